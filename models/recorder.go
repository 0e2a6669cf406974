package models

import (
	"sync"

	"github.com/anishathalye/porcupine"

	"github.com/interleave-go/interleave/harness"
)

// A Recorder records a history: the call and the return of each operation
// on an object, which goroutine made it, and when, on a logical clock that
// ticks at each call and each return. Inside a run only one goroutine runs
// at a time and it is switched only at scheduling points, so the clock
// orders calls and returns as the run did; wall time would not, and would
// not replay.
//
//	op := rec.Call(models.Call{Method: "Put", Arg: 1})
//	err := q.Put(ctx, 1)
//	op.Return(models.Done(err))
//
// The zero Recorder is ready to use. It is safe for concurrent use, inside
// a run or outside one.
type Recorder struct {
	mu    sync.Mutex
	clock int64
	ops   []recorded
}

type recorded struct {
	g           int
	input       any
	output      any
	call, ret   int64
	hasReturned bool
}

// An Invocation is an operation whose call is recorded; Return records its
// return.
type Invocation struct {
	r *Recorder
	i int
}

// Record returns a Recorder for the run of t and registers the check of
// its history against m, to run when the run is over, outside it: a
// history that is not linearizable fails the run with kind invariant, and
// its message shows the history and names the HTML file that draws it. So
// does a check that runs out of its time budget (Unknown). Options
// Timeout and VisualizationDir apply; another option fails the run.
func Record(t *harness.T, m Model, opts ...Option) *Recorder {
	r := &Recorder{}
	c, err := newConfig(scopeCheck, opts)
	if err != nil {
		t.Fatalf("%v", err)
		return r
	}
	c.name = t.Name()
	t.Verify(func() error { return check(m, r.history(), c) })
	return r
}

// Call records the call of an operation with the given input, made by the
// calling goroutine.
func (r *Recorder) Call(input any) Invocation {
	g := harness.Goroutine()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clock++
	r.ops = append(r.ops, recorded{g: g, input: input, call: r.clock})
	return Invocation{r: r, i: len(r.ops) - 1}
}

// Return records the return of the operation with the given output. It
// panics if the operation has returned already.
func (inv Invocation) Return(output any) {
	r := inv.r
	r.mu.Lock()
	defer r.mu.Unlock()
	op := &r.ops[inv.i]
	if op.hasReturned {
		panic("models: Invocation.Return called twice")
	}
	r.clock++
	op.output, op.ret, op.hasReturned = output, r.clock, true
}

// History returns the operations recorded so far, as porcupine takes
// them, with the goroutine as ClientId (0 outside a run), and the number
// of operations that were called and have not returned, which it leaves
// out.
func (r *Recorder) History() (ops []porcupine.Operation, pending int) {
	h := r.history()
	return h.ops, len(h.pending)
}

// Check checks the history recorded so far against m, as Record does when
// a run is over. It returns nil if the history is linearizable, and a
// *LinearizabilityError otherwise. Options Timeout and VisualizationDir
// apply.
func (r *Recorder) Check(m Model, opts ...Option) error {
	c, err := newConfig(scopeCheck, opts)
	if err != nil {
		return err
	}
	return check(m, r.history(), c)
}

// CheckHistory checks a history built by other means than a Recorder
// against m; each operation's ClientId is taken for its goroutine. It
// returns nil if the history is linearizable, and a *LinearizabilityError
// otherwise. Options Timeout and VisualizationDir apply.
func CheckHistory(m Model, history []porcupine.Operation, opts ...Option) error {
	c, err := newConfig(scopeCheck, opts)
	if err != nil {
		return err
	}
	h := hist{ops: history}
	for _, op := range history {
		h.gs = append(h.gs, op.ClientId)
	}
	return check(m, h, c)
}

// hist is a history with the goroutine of each operation (ClientId
// cannot say "outside a run"), and the calls that have not returned.
type hist struct {
	ops     []porcupine.Operation
	gs      []int
	pending []recorded
}

func (r *Recorder) history() hist {
	r.mu.Lock()
	defer r.mu.Unlock()
	var h hist
	for _, op := range r.ops {
		if !op.hasReturned {
			// Taken to have had no effect: a run that ends normally has
			// no such operation unless a goroutine ended inside one.
			h.pending = append(h.pending, op)
			continue
		}
		h.ops = append(h.ops, porcupine.Operation{ClientId: max(op.g, 0), Input: op.input, Call: op.call, Output: op.output, Return: op.ret})
		h.gs = append(h.gs, op.g)
	}
	return h
}
