// Package holdblock defines an Analyzer that reports operations that
// may block indefinitely while a lock is held.
package holdblock

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"
	"sort"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/blocking"
	"github.com/interleave-go/interleave/analyzers/internal/flags"
	"github.com/interleave-go/interleave/analyzers/internal/ignore"
	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
	"github.com/interleave-go/interleave/analyzers/internal/shape"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// Doc is the analyzer's documentation.
const Doc = `report blocking operations inside a critical section

A goroutine that blocks while it holds a lock makes every goroutine
that wants the lock wait as long, and deadlocks the program if the
event it waits for needs the lock. The holdblock analyzer follows each
function path by path and reports, where a lock that the function
acquired is held: a channel send or receive and a select without a
default case (except a send on a channel made with a constant buffer
in the same function or in the one whose closure captures it, or
stored only with buffered channels in the package's fields or
variables, and a receive that gives back a slot of a channel used as a
semaphore); a semaphore acquire that is not a Try*; time.Sleep;
sync.WaitGroup.Wait; a sync.Cond.Wait on a condition variable made with
another lock than one held; Event.Wait, Queue.Get, Queue.Put,
Barrier.Wait and Limiter.Wait of the reference primitives; network,
file and process I/O of the standard library (net.Dial, net.Conn.Read,
http.Get, os.ReadFile, os.File.Write, exec.Cmd.Run, ...); and a call of
a function, of this package or an imported one, that does one of these
(file I/O aside) directly or through further calls, reported at the
call with the blocking line inside. Condition waits that release the
held lock are not reported, nor is blocking in goroutines a function
starts.

` + shape.Doc

// Analyzer reports blocking while holding a lock.
var Analyzer = &analysis.Analyzer{
	Name:     "holdblock",
	Doc:      Doc,
	URL:      "https://github.com/interleave-go/interleave#holdblock",
	Requires: []*analysis.Analyzer{lockflow.Analyzer, blocking.Analyzer, buildssa.Analyzer},
	Run:      run,
}

const harm = "goroutines waiting for the lock block as long, or deadlock"

type checker struct {
	pass     *analysis.Pass
	res      *lockflow.Result
	blk      *blocking.Result
	ssa      *buildssa.SSA
	rep      *ignore.Reporter
	reported map[token.Pos]bool
	found    []finding // of the function being checked
}

// A finding is one blocking site under one held lock.
type finding struct {
	held *syncapi.Op // the acquire of the lock
	d    analysis.Diagnostic
	site string // what blocks, for the related information of a group
}

func run(pass *analysis.Pass) (any, error) {
	c := &checker{
		pass:     pass,
		res:      pass.ResultOf[lockflow.Analyzer].(*lockflow.Result),
		blk:      pass.ResultOf[blocking.Analyzer].(*blocking.Result),
		ssa:      pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA),
		rep:      ignore.New(pass),
		reported: make(map[token.Pos]bool),
	}
	for _, f := range c.res.Funcs {
		if !f.Complete {
			continue
		}
		// Operations first, so that a call the table names (http.Get)
		// is reported as itself rather than by what it does inside.
		events := append([]*lockflow.Event(nil), f.Events...)
		sort.SliceStable(events, func(i, j int) bool {
			return events[i].Kind != lockflow.Call && events[j].Kind == lockflow.Call
		})
		c.found = c.found[:0]
		for _, e := range events {
			if c.reported[e.Instr.Pos()] {
				continue
			}
			switch e.Kind {
			case lockflow.Block:
				c.block(e)
			case lockflow.Acquire:
				if e.Op.Family != syncapi.Mutex && !e.Op.Try() {
					c.report(e, mutexes(e), e.Op.API, nil)
				}
			case lockflow.Wait:
				c.wait(e)
			case lockflow.Call:
				c.call(e)
			}
		}
		c.flush()
	}
	return nil, nil
}

// flush reports the findings of one function: one for each acquire
// whose lock is held while something blocks, at the first site, the
// others in its related information. A critical section that blocks
// in two places is one thing to fix.
func (c *checker) flush() {
	sort.Slice(c.found, func(i, j int) bool { return c.found[i].d.Pos < c.found[j].d.Pos })
	first := make(map[*syncapi.Op]*analysis.Diagnostic)
	var order []*syncapi.Op
	for i := range c.found {
		f := &c.found[i]
		if c.rep.Ignored(f.d.Pos) {
			continue
		}
		d, ok := first[f.held]
		if !ok {
			first[f.held] = &f.d
			order = append(order, f.held)
			continue
		}
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: f.d.Pos, Message: "also under the lock: " + f.site})
	}
	for _, op := range order {
		c.pass.Report(*first[op])
	}
}

// mutexes returns the locks (not semaphores) the path holds at e.
func mutexes(e *lockflow.Event) []lockflow.Lock {
	var out []lockflow.Lock
	for _, h := range e.Held() {
		if h.Acq.Family == syncapi.Mutex {
			out = append(out, h)
		}
	}
	return out
}

func (c *checker) block(e *lockflow.Event) {
	switch in := e.Instr.(type) {
	case *ssa.Send:
		if c.res.Buffered(in.Chan) || c.res.TokenReturn(in.Chan) {
			return
		}
	case *ssa.UnOp:
		if c.res.SemRelease(in.X) {
			return // gives a semaphore slot back
		}
		if lockflow.DrainsStoppedTimer(in) {
			return // if !t.Stop() { <-t.C }
		}
		if in.Op == token.ARROW && c.flagged(in) {
			return // a flag says the value is there
		}
	}
	c.report(e, mutexes(e), e.Name, nil)
}

// flagged reports whether receive recv, from a channel kept in a field of
// a struct, runs only when a bool field of that struct is set, and every
// send on the channel in the package sets that flag before it: the flag
// says a value is there, and the receive does not wait. net/http's
// wantConn.cancel receives w.result under w.mu only if w.done, which
// tryDeliver sets, under w.mu, before it sends.
func (c *checker) flagged(recv *ssa.UnOp) bool {
	ch, st := flags.LoadedField(recv.X)
	if ch == nil {
		return false
	}
	fn := recv.Parent()
	for _, b := range fn.Blocks {
		if len(b.Instrs) == 0 || len(b.Succs) != 2 {
			continue
		}
		test, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		flag, fst := flags.LoadedField(test.Cond)
		if flag == nil || fst != st || !b.Succs[0].Dominates(recv.Block()) {
			continue
		}
		if c.sendsSet(ch, flag) {
			return true
		}
	}
	return false
}

// sendsSet reports whether the package sends on the channel field ch,
// and every send sets flag to true first.
func (c *checker) sendsSet(ch, flag *types.Var) bool {
	sends := 0
	for _, fn := range c.ssa.SrcFuncs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				send, ok := in.(*ssa.Send)
				if !ok {
					continue
				}
				if f, _ := flags.LoadedField(send.Chan); f != ch {
					continue
				}
				sends++
				if !setsBefore(send, flag) {
					return false
				}
			}
		}
	}
	return sends > 0
}

// setsBefore reports whether flag is set to true on every path to in,
// in its function.
func setsBefore(in ssa.Instruction, flag *types.Var) bool {
	for _, b := range in.Parent().Blocks {
		for _, x := range b.Instrs {
			if f, _ := flags.SetsTrue(x); f == flag && flags.Precedes(x, in) {
				return true
			}
		}
	}
	return false
}

// wait reports a condition wait on a lock other than one held: it
// releases only its own.
func (c *checker) wait(e *lockflow.Event) {
	l := c.blk.CondLock(e.Instr.(ssa.CallInstruction))
	if l == "" {
		return
	}
	if other := others(mutexes(e), l); len(other) > 0 {
		c.report(e, other, fmt.Sprintf("%s (it releases only %s)", e.Name, syncapi.ShortAbstract(l)), nil)
	}
}

// others returns the held locks known to be other than the lock l.
func others(held []lockflow.Lock, l string) []lockflow.Lock {
	var out []lockflow.Lock
	for _, h := range held {
		if id := syncapi.Abstract(h.Acq.Recv); id != "" && id != l {
			out = append(out, h)
		}
	}
	return out
}

// call reports a call of a function that may block.
func (c *checker) call(e *lockflow.Event) {
	held := mutexes(e)
	if len(held) == 0 || e.Callee == nil {
		return
	}
	if a, _ := e.Relocks(); a != nil {
		return // the callee deadlocks on the lock first: relock's finding
	}
	if _, ok := syncapi.IsBlocking(e.Instr.(ssa.CallInstruction)); ok {
		return // reported as a Block event, or deliberately not
	}
	held = handedOver(e, held)
	sum := c.blk.Of(e.Callee)
	if sum == nil || len(held) == 0 {
		return
	}
	var keys []syncapi.Key
	for _, h := range held {
		keys = append(keys, h.Key)
	}
	if site, pos, still := c.blk.Applies(sum, e.Instr.(ssa.CallInstruction), keys); site != nil {
		var blocked []lockflow.Lock
		for _, h := range held {
			if slices.ContainsFunc(still, func(k syncapi.Key) bool { return k.String() == h.Key.String() }) {
				blocked = append(blocked, h)
			}
		}
		c.report(e, blocked, "", &callSite{site, pos})
		return
	}
	for _, w := range sum.Waits {
		if w.L == "" {
			continue // on the caller's lock, presumably the one held
		}
		if other := others(held, w.L); len(other) > 0 {
			site := w.Site
			site.Op = fmt.Sprintf("%s (it releases only %s)", site.Op, syncapi.ShortAbstract(w.L))
			c.report(e, other, "", &callSite{&site, token.NoPos})
			return
		}
	}
}

// handedOver drops the held locks that a closure passed to the call
// captures: the callee may run it, in a goroutine that releases the
// lock, and wait for that (a lock handed over, not held while blocked).
func handedOver(e *lockflow.Event, held []lockflow.Lock) []lockflow.Lock {
	var keys []syncapi.Key
	for _, a := range e.Instr.(ssa.CallInstruction).Common().Args {
		for _, mc := range closures(a) {
			for _, b := range mc.Bindings {
				if k, ok := syncapi.KeyOf(b, nil); ok {
					keys = append(keys, k)
				}
			}
		}
	}
	var out []lockflow.Lock
	for _, h := range held {
		captured := false
		for _, k := range keys {
			captured = captured || h.Key.HasPrefix(k)
		}
		if !captured {
			out = append(out, h)
		}
	}
	return out
}

// closures returns the closures an argument passes: itself, or the
// elements of a variadic argument's slice.
func closures(a ssa.Value) []*ssa.MakeClosure {
	switch a := a.(type) {
	case *ssa.MakeClosure:
		return []*ssa.MakeClosure{a}
	case *ssa.Slice:
		arr, ok := a.X.(*ssa.Alloc)
		if !ok {
			return nil
		}
		var out []*ssa.MakeClosure
		for _, ref := range *arr.Referrers() {
			if ia, ok := ref.(*ssa.IndexAddr); ok {
				for _, r := range *ia.Referrers() {
					if st, ok := r.(*ssa.Store); ok && st.Addr == ia {
						if mc, ok := st.Val.(*ssa.MakeClosure); ok {
							out = append(out, mc)
						}
					}
				}
			}
		}
		return out
	}
	return nil
}

type callSite struct {
	site *blocking.Site
	pos  token.Pos
}

func (c *checker) report(e *lockflow.Event, held []lockflow.Lock, what string, via *callSite) {
	if len(held) == 0 {
		return
	}
	h := held[0]
	line := func(p token.Pos) int { return c.pass.Fset.Position(p).Line }
	d := analysis.Diagnostic{Pos: e.Instr.Pos()}
	d.Related = append(d.Related, analysis.RelatedInformation{Pos: h.Acq.Pos(), Message: h.Key.Show + " acquired here"})
	site := what
	if via == nil {
		d.Message = fmt.Sprintf("%s while holding %s (%s at line %d): %s", what, h.Key.Show, h.Acq.API, line(h.Acq.Pos()), harm)
	} else {
		site = fmt.Sprintf("call of %s (%s)", e.Callee.Name(), via.site)
		d.Message = fmt.Sprintf("call of %s may block while holding %s (%s at line %d): %s: %s",
			e.Callee.Name(), h.Key.Show, h.Acq.API, line(h.Acq.Pos()), via.site, harm)
		if via.pos.IsValid() {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: via.pos, Message: via.site.Op + " may block here"})
		}
	}
	c.reported[e.Instr.Pos()] = true
	c.found = append(c.found, finding{held: h.Acq, d: d, site: site})
}
