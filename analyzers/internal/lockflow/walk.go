package lockflow

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// budget bounds the (block, state) pairs visited in one function.
const budget = 5000

type walker struct {
	r     *Result
	f     *Func
	ids   map[any]int
	steps int
}

// id gives a small number to a pointer, for encoding states.
func (w *walker) id(p any) int {
	if p == nil || p == (*syncapi.Op)(nil) {
		return 0
	}
	if n, ok := w.ids[p]; ok {
		return n
	}
	n := len(w.ids) + 1
	w.ids[p] = n
	return n
}

type item struct {
	b    *ssa.BasicBlock
	pred int // index of the predecessor edge taken, or -1
	st   *state
}

// walk visits every path of f, recording events.
// resolveHelpers makes ops of f's calls of lock helpers, once.
func (r *Result) resolveHelpers(f *Func) {
	if f.resolved {
		return
	}
	f.resolved = true
	for _, c := range f.helperCalls {
		if op := r.helperOp(c); op != nil {
			f.Ops[c] = op
		}
	}
}

func (r *Result) walk(f *Func) {
	if f.walked {
		return
	}
	f.walked = true
	defer func() { f.done = true; f.seen = nil }()
	r.resolveHelpers(f)
	f.seen = make(map[string]bool)
	if len(f.Fn.Blocks) == 0 {
		f.Complete = true
		return
	}
	w := &walker{r: r, f: f, ids: make(map[any]int)}
	visited := make(map[string]bool)
	stack := []item{{f.Fn.Blocks[0], -1, &state{}}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		st := it.st
		if it.pred >= 0 {
			w.phis(st, it.b, it.pred)
		}
		k := fmt.Sprint(it.b.Index, "#", st.encode(w))
		if visited[k] {
			continue
		}
		visited[k] = true
		if w.steps++; w.steps > budget {
			f.Events = nil
			return
		}
		stack = w.block(it.b, st, stack)
	}
	f.Complete = true
}

// phis gives the phis of b their values along the edge from pred.
func (w *walker) phis(st *state, b *ssa.BasicBlock, pred int) {
	for _, in := range b.Instrs {
		phi, ok := in.(*ssa.Phi)
		if !ok {
			break
		}
		e := phi.Edges[pred]
		t := valTerm(phi)
		st.redefine(phi)
		if isNilConst(e) {
			st.setFact(t, isNil)
		} else if v, ok := boolConst(e); ok {
			st.setFact(t, boolFact(v))
		} else if f := st.fact(term(e)); f != 0 {
			st.setFact(t, f)
		}
	}
}

func (w *walker) push(stack []item, from, to *ssa.BasicBlock, st *state) []item {
	return append(stack, item{to, slices.Index(to.Preds, from), st})
}

// block interprets the instructions of b and returns the stack with the
// successors pushed.
func (w *walker) block(b *ssa.BasicBlock, st *state, stack []item) []item {
	for _, in := range b.Instrs {
		if v, ok := in.(ssa.Value); ok {
			if _, phi := v.(*ssa.Phi); !phi {
				st.redefine(v)
			}
		}
		switch in := in.(type) {
		case *ssa.Call:
			if !w.call(in, st) {
				return stack // deadlocked: nothing after this runs
			}
		case *ssa.Defer:
			w.deferred(in, st)
		case *ssa.Send:
			if op := w.f.Ops[in]; op != nil {
				w.op(op, in, st) // a channel semaphore: no relock
			} else {
				w.event(&Event{Kind: Block, Instr: in, Name: "channel send", Locks: st.locks})
			}
		case *ssa.UnOp:
			if in.Op != token.ARROW {
				break
			}
			if op := w.f.Ops[in]; op != nil {
				w.op(op, in, st)
			} else {
				w.event(&Event{Kind: Block, Instr: in, Name: "channel receive", Locks: st.locks})
			}
		case *ssa.Select:
			if in.Blocking && len(in.States) > 0 { // select {} parks for good, on purpose
				w.event(&Event{Kind: Block, Instr: in, Name: "select", Locks: st.locks})
			}
		case *ssa.Store:
			if k, ok := syncapi.KeyOf(in.Addr, nil); ok {
				t := "m:" + k.String() + ";"
				st.forget(t)
				if isNilConst(in.Val) {
					st.setFact(t, isNil)
				} else if v, ok := boolConst(in.Val); ok {
					st.setFact(t, boolFact(v))
				} else if f := st.fact(term(in.Val)); f != 0 {
					st.setFact(t, f)
				}
			}
		case *ssa.If:
			if val, known := st.eval(in.Cond); known {
				succ := b.Succs[0] // then
				if !val {
					succ = b.Succs[1] // else
				}
				return w.push(stack, b, succ, st)
			}
			for i, succ := range b.Succs {
				next := st.clone()
				next.assume(in.Cond, i == 0)
				stack = w.push(stack, b, succ, next)
			}
			return stack
		case *ssa.Jump:
			return w.push(stack, b, b.Succs[0], st)
		case *ssa.Return:
			e := &Event{Kind: Return, Instr: in, Locks: st.locks, Deferred: st.deferred}
			if n := len(in.Results); n > 0 {
				e.Outcome = st.outcome(in.Results[n-1])
			}
			w.event(e)
			return stack
		case *ssa.Go:
			w.spawn(&in.Call, st)
		case *ssa.Panic:
			// go/ssa adds panics of its own, without a position, for
			// misused range-over-func iterators.
			if !isNoReturn(in) && in.Pos().IsValid() {
				w.event(&Event{Kind: Panic, Instr: in, Locks: st.locks, Deferred: st.deferred})
			}
			return stack
		}
	}
	return stack
}

// isNoReturn reports whether p is the panic that go/ssa inserts after a
// call to a function that never returns (os.Exit, log.Fatal, t.Fatal).
func isNoReturn(p *ssa.Panic) bool {
	mi, ok := p.X.(*ssa.MakeInterface)
	if !ok {
		return false
	}
	c, ok := mi.X.(*ssa.Const)
	return ok && c.Value != nil && c.Value.ExactString() == `"noreturn"`
}

// event records e unless an identical event was recorded before.
func (w *walker) event(e *Event) {
	var b strings.Builder
	fmt.Fprintf(&b, "%d/%d/%d/%d/%d/%s/%s/", e.Kind, w.id(e.Instr), w.id(e.Callee), e.Before.Status, w.id(e.Before.Acq), e.Outcome, strings.Join(e.Deferred, ","))
	for _, l := range e.Locks {
		fmt.Fprintf(&b, "%s=%d,%t,%d;", l.Key.String(), l.Status, l.Read, w.id(l.Acq))
	}
	for _, a := range e.Accesses {
		fmt.Fprintf(&b, "%s,%t;", a.Key.String(), a.Acquire)
	}
	k := b.String()
	if w.f.seen[k] {
		return
	}
	w.f.seen[k] = true
	e.Locks = slices.Clone(e.Locks)
	e.Deferred = slices.Clone(e.Deferred)
	w.f.Events = append(w.f.Events, e)
}

// Deadlocks reports whether an acquire of a lock in the state before
// blocks its own goroutine forever: a blocking acquire of a held
// mutex, except a read lock taken again for reading (which deadlocks
// only once a writer waits between the two).
func Deadlocks(op *syncapi.Op, before Lock) bool {
	return op.Family == syncapi.Mutex && op.Blocking() && before.Status == Held && !(before.Read && op.Read)
}

// op applies a recognised acquire or release. It returns false when the
// acquire deadlocks: the path ends there, and what follows (the
// release after a relock, the deferred one) is no finding of its own.
func (w *walker) op(op *syncapi.Op, in ssa.Instruction, st *state) bool {
	k, ok := syncapi.KeyOf(op.Recv, nil)
	if !ok {
		return true
	}
	before := st.get(k)
	if op.Kind == syncapi.Acquire {
		w.event(&Event{Kind: Acquire, Instr: in, Op: op, Before: before, Locks: st.locks, Deferred: st.deferred})
		if Deadlocks(op, before) && !w.f.Shared[k.String()] {
			return false
		}
		after := Lock{Key: k, Status: Held, Read: op.Read, Acq: op}
		if op.NeverFails {
			st.setFact(valTerm(outcome(op)), isNil)
		}
		switch {
		case before.Status == Unknown && !op.Blocking():
			return true // still unknown
		case before.Status == Held && !op.Blocking() && op.Family == syncapi.Mutex:
			if !(before.Read && op.Read) {
				return true // the attempt fails (or times out): this goroutine holds the lock
			}
			after = Lock{Key: k, Status: Unknown} // one more reader, or not
		case before.Status == Held:
			after = Lock{Key: k, Status: Unknown}
		case !op.Blocking():
			after.Status = Pending
			after.cond = valTerm(outcome(op))
		}
		st.set(after)
		return true
	}
	w.event(&Event{Kind: Release, Instr: in, Op: op, Before: before, Locks: st.locks})
	after := Lock{Key: k, Status: Released, Read: before.Read, Acq: before.Acq, Rel: op}
	if before.Status == Released {
		after = Lock{Key: k, Status: Unknown}
	}
	st.set(after)
	return true
}

// outcome returns the value that tells whether an acquire succeeded:
// its result, or the last of its results.
func outcome(op *syncapi.Op) ssa.Value {
	call := op.Instr.(*ssa.Call)
	tuple, ok := call.Type().(*types.Tuple)
	if !ok {
		return call
	}
	for _, ref := range *call.Referrers() {
		if x, ok := ref.(*ssa.Extract); ok && x.Index == tuple.Len()-1 {
			return x
		}
	}
	return call
}

// call applies a call that is not a recognised operation. It returns
// false when the call deadlocks: an op that does, or a call of a
// function of this package that acquires on every path a lock the path
// holds.
func (w *walker) call(in *ssa.Call, st *state) bool {
	if op := w.f.Ops[in]; op != nil {
		if op.Helper != nil {
			// A call all the same, for what the helper does besides.
			w.event(&Event{Kind: Call, Instr: in, Callee: op.Helper, Accesses: w.r.mapped(&in.Call, op.Helper), Locks: st.locks})
		}
		return w.op(op, in, st)
	}
	if failsNow(&in.Call) {
		return false // t.Fatal through testing.TB: the goroutine ends here
	}
	if name, ok := w.f.Waits[in]; ok {
		w.event(&Event{Kind: Wait, Instr: in, Name: name, Locks: st.locks})
		w.foreign(&in.Call, st)
		return true
	}
	if name, ok := syncapi.IsBlocking(in); ok {
		w.event(&Event{Kind: Block, Instr: in, Name: name, Locks: st.locks})
	}
	if callee := w.r.local(&in.Call); callee != nil {
		acc := w.r.mapped(&in.Call, callee)
		e := &Event{Kind: Call, Instr: in, Callee: callee, Accesses: acc, Locks: st.locks}
		w.event(e)
		if _, h := e.Relocks(); h != nil && !w.f.Shared[h.Key.String()] {
			return false // the callee relocks
		}
		for _, a := range acc {
			if i := st.find(a.Key.String()); i >= 0 {
				st.locks[i] = Lock{Key: a.Key, Status: Unknown}
			}
		}
		// Closures passed along may run, here or in a goroutine.
		for _, a := range in.Call.Args {
			if mc, ok := a.(*ssa.MakeClosure); ok {
				reset(st, mc.Bindings)
			}
		}
		return true
	}
	if callee := in.Call.StaticCallee(); callee != nil && (holds(st) || releasedEntry(st)) {
		w.event(&Event{Kind: Call, Instr: in, Callee: callee, Locks: st.locks})
	}
	w.foreign(&in.Call, st)
	return true
}

// failsNow reports whether a call is one of testing.TB's methods that do
// not return (FailNow, Fatal, Fatalf, SkipNow, Skip, Skipf) called
// through the interface, which go/ssa cannot see end the path.
func failsNow(c *ssa.CallCommon) bool {
	if !c.IsInvoke() || c.Method.Pkg() == nil || c.Method.Pkg().Path() != "testing" {
		return false
	}
	switch c.Method.Name() {
	case "FailNow", "Fatal", "Fatalf", "SkipNow", "Skip", "Skipf":
		return true
	}
	return false
}

// releasedEntry reports whether the path released a lock its caller
// holds (one it did not acquire itself).
func releasedEntry(st *state) bool {
	for _, l := range st.locks {
		if l.Status == Released && l.Acq == nil {
			return true
		}
	}
	return false
}

func holds(st *state) bool {
	for _, l := range st.locks {
		if l.Status == Held {
			return true
		}
	}
	return false
}

// spawn applies a go statement. A goroutine running a function of this
// package forgets the locks that function releases without taking them
// first (a hand-off: the lock is the new goroutine's to release); one
// that only takes them, as every other goroutine may, changes nothing
// for this path. A goroutine running anything else may do anything to
// what it can reach.
func (w *walker) spawn(c *ssa.CallCommon, st *state) {
	if w.r.local(c) == nil {
		w.foreign(c, st)
		return
	}
	for _, a := range w.r.accesses(c) {
		if a.Acquire {
			continue
		}
		if a.Key.Root == "" {
			w.foreign(c, st) // a release the caller cannot name
			return
		}
		if i := st.find(a.Key.String()); i >= 0 {
			st.locks[i] = Lock{Key: a.Key, Status: Unknown}
		}
	}
}

// foreign forgets what the path knows about the locks that a call of
// unknown effect can reach through its arguments.
func (w *walker) foreign(c *ssa.CallCommon, st *state) {
	if len(st.locks) == 0 {
		return
	}
	args := c.Args
	if c.IsInvoke() {
		args = append([]ssa.Value{c.Value}, args...)
	}
	if mc := closure(c.Value); mc != nil {
		args = append(args, mc.Bindings...)
	}
	for _, a := range args {
		if mc, ok := a.(*ssa.MakeClosure); ok {
			args = append(args, mc.Bindings...)
		}
	}
	reset(st, args)
}

// reset forgets the locks reachable from values.
func reset(st *state, values []ssa.Value) {
	for _, a := range values {
		if !mayHoldLock(a.Type()) {
			continue
		}
		ak, ok := syncapi.KeyOf(a, nil)
		if !ok {
			continue
		}
		for i := range st.locks {
			if st.locks[i].Key.HasPrefix(ak) {
				st.locks[i] = Lock{Key: st.locks[i].Key, Status: Unknown}
			}
		}
	}
}

// mayHoldLock reports whether a value of type t can lead to a lock.
func mayHoldLock(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Basic, *types.Signature:
		return false
	}
	return true
}

// deferred applies a defer statement: a deferred release, or a
// deferred call of a function of this package that releases locks.
func (w *walker) deferred(in *ssa.Defer, st *state) {
	if op := w.f.Ops[in]; op != nil {
		if op.Kind == syncapi.Release {
			if k, ok := syncapi.KeyOf(op.Recv, nil); ok {
				w.event(&Event{Kind: DeferRelease, Instr: in, Op: op, Before: st.get(k), Locks: st.locks})
				st.addDeferredRelease(k.String())
			}
		}
		if op.Kind == syncapi.Acquire && op.Family == syncapi.Mutex && op.Blocking() {
			if k, ok := syncapi.KeyOf(op.Recv, nil); ok {
				w.event(&Event{Kind: DeferAcquire, Instr: in, Op: op, Before: st.get(k), Locks: st.locks})
				st.addDeferred(DeferredAcquire + k.String())
			}
		}
		return
	}
	if mc, ok := in.Call.Value.(*ssa.MakeClosure); ok {
		subst := bindings(mc)
		fn := mc.Fn.(*ssa.Function)
		for _, b := range fn.Blocks {
			for _, x := range b.Instrs {
				if u, ok := x.(*ssa.UnOp); ok && u.Op == token.ARROW && isSemChanType(u.X) {
					if k, ok := syncapi.KeyOf(u.X, subst); ok {
						st.addDeferredRelease(k.String())
					}
				}
			}
		}
	}
	if callee := w.r.local(&in.Call); callee != nil {
		for _, a := range w.r.mapped(&in.Call, callee) {
			if !a.Acquire && a.Key.Root != "" {
				st.addDeferredRelease(a.Key.String())
			}
		}
	}
}
