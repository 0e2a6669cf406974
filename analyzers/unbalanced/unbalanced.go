// Package unbalanced defines an Analyzer that reports acquires without
// a release on some path, and releases without an acquire.
package unbalanced

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/ignore"
	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
	"github.com/interleave-go/interleave/analyzers/internal/shape"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// Doc is the analyzer's documentation.
const Doc = `report locks and semaphores not released on some path

The unbalanced analyzer follows each function's control-flow graph path
by path. It reports a Lock, RLock, Acquire or semaphore-channel send
that is released on some return paths but not on another (typically an
early return or a panic), an Unlock that runs twice (including an
explicit Unlock followed by a deferred one), Unlock of a read lock and
RUnlock of a write lock, a release after a failed TryLock, TryAcquire or
Acquire(ctx) or after one whose result was not checked, a release
reached on a path where the lock was not acquired although other paths
acquire it, and a semaphore Release whose weight differs from the
Acquire. Where it is safe it suggests deferring the release.

A function that returns with the lock held on every path (a locking
helper) is not reported. One that holds it exactly on its successful
returns (a nil error or true) is an acquire helper only if its name or
doc says so (lock, acquire, take, hold, enter, claim, reserve, ...) and,
when the package calls it, some caller releases the lock after a
success (directly, deferred, through a function of the package) or
passes the result on; otherwise it is reported, as a function that
returns true from inside its critical section. Nor is a function that
keeps the lock on purpose and says so in a flag: on the way to the
return that leaves it held it sets a bool field of the lock's struct to
true, and a function of the package releases the lock under a test of
that flag (database/sql's Rows.Scan and closemuScanHold).

A call of such a helper (one that holds the lock on every return, or
exactly on those that report success) or of an unlocking helper (one
that releases its caller's lock on every return) counts as the Lock or
Unlock it wraps, whatever its name: a caller that returns early after
s.lock() is reported at that call.

An exported method that releases its receiver's lock before it takes
it (Lock and Unlock swapped) is reported when no caller can hold the
lock for it: its type has no Lock method, the package never calls it
with a lock held, no function of the package returns holding the lock
(Begin, for Commit to release), and its doc does not speak of holding
one.

A goroutine that calls WaitGroup.Done on some of its returns but not on
another (an early return on an error) is reported too: the Wait for it
blocks forever. A deferred Done, a Done per item in a loop, a goroutine
that Adds itself, and a for range over a ticker (which never ends) are
not.

` + shape.Doc

// Analyzer reports unbalanced acquire and release.
var Analyzer = &analysis.Analyzer{
	Name:     "unbalanced",
	Doc:      Doc,
	URL:      "https://github.com/interleave-go/interleave#unbalanced",
	Requires: []*analysis.Analyzer{lockflow.Analyzer, buildssa.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[lockflow.Analyzer].(*lockflow.Result)
	rep := ignore.New(pass)
	for _, d := range res.Shapes().Problems {
		rep.Report(d) // a malformed //interleavevet:primitive
	}
	h := &helpers{res: res, funcs: pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA).SrcFuncs}
	for _, f := range res.Funcs {
		if f.Complete {
			check(pass, rep, h, f)
		}
	}
	checkDone(pass, rep, h.funcs)
	return nil, nil
}

// exits collects, for one acquire, the returns that leave it held and
// those that do not.
type exits struct {
	leaks, panics []*lockflow.Event
	balanced      []*lockflow.Event
}

func check(pass *analysis.Pass, rep *ignore.Reporter, h *helpers, f *lockflow.Func) {
	byAcq := make(map[*syncapi.Op]*exits)
	get := func(op *syncapi.Op) *exits {
		if byAcq[op] == nil {
			byAcq[op] = &exits{}
		}
		return byAcq[op]
	}
	// before collects, for each release, the statuses it is reached with.
	before := make(map[*syncapi.Op][]lockflow.Lock)
	reported := make(map[token.Pos]bool)
	report := func(pos token.Pos, related []analysis.RelatedInformation, format string, args ...any) {
		if !reported[pos] {
			reported[pos] = true
			rep.Report(analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...), Related: related})
		}
	}
	for _, e := range f.Events {
		switch e.Kind {
		case lockflow.Release:
			before[e.Op] = append(before[e.Op], e.Before)
		case lockflow.DeferRelease:
			// The state when the defer runs is unknown here; what it
			// was when the defer was registered tells of a failed or
			// unchecked acquire and of mismatched modes and weights.
			if st := e.Before.Status; st == lockflow.Held || st == lockflow.Failed || st == lockflow.Pending {
				before[e.Op] = append(before[e.Op], e.Before)
			}
		case lockflow.Return, lockflow.Panic:
			for _, l := range e.Locks {
				deferred := e.IsDeferred(l.Key.String())
				// A deferred acquire runs first, or takes back a lock
				// the function dropped: a held lock there is relock's.
				reacquired := e.IsDeferred(lockflow.DeferredAcquire + l.Key.String())
				switch {
				case reacquired && l.Status == lockflow.Held:
				case l.Status == lockflow.Held && !deferred:
					if e.Kind == lockflow.Panic {
						get(l.Acq).panics = append(get(l.Acq).panics, e)
					} else {
						get(l.Acq).leaks = append(get(l.Acq).leaks, e)
					}
				case e.Kind == lockflow.Return && (l.Status == lockflow.Held || l.Status == lockflow.Released) && l.Acq != nil:
					get(l.Acq).balanced = append(get(l.Acq).balanced, e)
				}
				if l.Status == lockflow.Released && deferred && !reacquired && l.Rel != nil && l.Rel.Family == syncapi.Mutex {
					report(l.Rel.Pos(), relatedAt(l.Acq, "acquired here"), "%s of %s is followed by a deferred release of the same lock: unlock of unlocked mutex is a fatal error", l.Rel.API, l.Key.Show)
				}
			}
		}
	}
	// A release of its receiver's lock that an exported method makes
	// before it takes it, where no caller can hold the lock either (Lock
	// and Unlock swapped): no Lock method, no caller in the package that
	// holds a lock, no function of the package that returns holding it
	// (Begin, then Commit). Goroutines are left alone: a lock may be
	// handed to one to release.
	if callers := h.res.Callers(); callers.NeverLocked(f.Fn) && !callers.Started(f.Fn) && f.Fn.Signature.Recv() != nil {
		for _, op := range sortedOps(before) {
			k, _ := syncapi.KeyOf(op.Recv, nil)
			if op.Family != syncapi.Mutex || op.Helper != nil || k.Param() != 0 || f.Shared[k.String()] || f.ClosureReleases[k.String()] || h.returnsHeld(syncapi.Abstract(op.Recv), f.Fn) {
				continue
			}
			entry := true
			for _, b := range before[op] {
				entry = entry && b.Status == lockflow.Entry
			}
			if entry {
				report(op.Pos(), nil, "%s of %s in %s, which takes no lock first and %s: unlock of unlocked mutex is a fatal error", op.API, k.Show, f.Fn.Name(), callers.Why(f.Fn))
			}
		}
	}
	for _, op := range sortedOps(before) {
		k, _ := syncapi.KeyOf(op.Recv, nil)
		if f.Shared[k.String()] {
			continue // other goroutines lock it too: the counts are theirs as much as ours
		}
		if f.Recovers && !strings.HasPrefix(op.API, "sync.") {
			continue // the misuse panic may be the point
		}
		checkRelease(pass, op, before[op], countedRelease(f, op), report)
	}
	// An Acquire(ctx) whose error nobody looks at, and whose release is
	// not in this function (a goroutine's, a caller's): the acquire is
	// the place to report.
	pendingAt := make(map[*syncapi.Op]bool)
	for _, bs := range before {
		for _, b := range bs {
			if b.Status == lockflow.Pending {
				pendingAt[b.Acq] = true
			}
		}
	}
	acquires := make(map[*syncapi.Op]bool)
	for _, op := range f.Ops {
		acquires[op] = op.Kind == syncapi.Acquire
	}
	for _, op := range sortedOps(acquires) {
		if op.Kind == syncapi.Acquire && op.Helper == nil && op.Outcome == syncapi.IfNil && !op.NeverFails && discarded(op) && !pendingAt[op] && !f.Recovers && releasedAfter(f, op) {
			k, _ := syncapi.KeyOf(op.Recv, nil)
			report(op.Pos(), nil, "%s of %s without checking its error: it fails when the context is done, and what follows runs as if it held %s", op.API, k.Show, k.Show)
		}
	}
	for _, op := range sortedOps(byAcq) {
		x := byAcq[op]
		if len(x.balanced) == 0 {
			continue // a locking helper, or nothing ever releases it
		}
		if (op.Family == syncapi.Semaphore || op.Read) && countingLoops(f, op) {
			continue // N acquires in one loop, N releases in another
		}
		k, _ := syncapi.KeyOf(op.Recv, nil)
		why := ""
		if len(x.leaks) > 0 && successOnly(f.Fn, x) {
			why = h.verdict(f.Fn, k, syncapi.Abstract(op.Recv))
			if why == "" {
				continue // an acquire helper, used as one
			}
			why = ", which reports success, but " + why
		}
		if len(x.leaks) > 0 && h.handedOff(f, op, x.leaks) {
			continue // held on purpose, and recorded in a flag that a release tests
		}
		if len(x.leaks) > 0 {
			ret := first(pass, x.leaks)
			at := ret.Instr.Pos()
			if !at.IsValid() && f.Fn.Syntax() != nil {
				at = f.Fn.Syntax().End() - 1 // falling off the end: the closing brace
			}
			d := analysis.Diagnostic{
				Pos:     op.Pos(),
				Message: fmt.Sprintf("%s of %s is not released on the return at line %d%s: %s", op.API, k.Show, line(pass, at), why, harm(op)),
				Related: returns(f, x.leaks),
			}
			if fix := deferFix(pass, f, op, k); fix != nil {
				d.SuggestedFixes = []analysis.SuggestedFix{*fix}
			}
			if !reported[d.Pos] {
				reported[d.Pos] = true
				rep.Report(d)
			}
		} else if len(x.panics) > 0 {
			p := first(pass, x.panics)
			report(op.Pos(), []analysis.RelatedInformation{{Pos: p.Instr.Pos(), Message: "panics with the lock held"}}, "%s of %s is not released when the panic at line %d unwinds: a recovered panic leaves it held", op.API, k.Show, line(pass, p.Instr.Pos()))
		}
	}
}

func checkRelease(pass *analysis.Pass, op *syncapi.Op, befores []lockflow.Lock, counted bool, report func(token.Pos, []analysis.RelatedInformation, string, ...any)) {
	var fromEntry, fromHeld *lockflow.Lock
	for i := range befores {
		b := &befores[i]
		switch b.Status {
		case lockflow.Entry:
			fromEntry = b
		case lockflow.Held:
			fromHeld = b
			if op.Family == syncapi.Mutex && b.Read != op.Read {
				report(op.Pos(), relatedAt(b.Acq, "acquired here"), "%s of %s, which %s at line %d took: releasing the other mode is a fatal error", op.API, b.Key.Show, b.Acq.API, line(pass, b.Acq.Pos()))
			}
			if op.Family == syncapi.Semaphore {
				if wa, wr, differ := weights(b.Acq, op); differ {
					report(op.Pos(), relatedAt(b.Acq, "acquired here"), "%s(%s) of %s after %s(%s) at line %d: the semaphore count drifts", op.API, wr, b.Key.Show, b.Acq.API, wa, line(pass, b.Acq.Pos()))
				}
			}
		case lockflow.Released:
			if op.Family == syncapi.ChanSem || (b.Acq == nil && (op.Family != syncapi.Mutex || op.Read)) {
				continue
			}
			if (op.Family == syncapi.Semaphore || counted) && b.Rel == op {
				continue // a loop of releases, after a loop of acquires: counted, not doubled
			}
			report(op.Pos(), relatedAt(b.Rel, "released first here"), "%s of %s, already released at line %d: %s", op.API, b.Key.Show, line(pass, b.Rel.Pos()), doubleHarm(op))
		case lockflow.Failed:
			if op.Family != syncapi.Mutex && onCycle(b.Acq.Instr.Block()) && !sameCycle(b.Acq.Instr.Block(), op) {
				// for s.TryAcquire(1) { s.Release(1) }: the loop probes
				// and gives back; a failed last try holds nothing, and a
				// release after the loop gives back something else
				// (another goroutine's token).
				continue
			}
			report(op.Pos(), relatedAt(b.Acq, "fails here"), "%s of %s after %s failed at line %d: releases what this goroutine does not hold", op.API, b.Key.Show, b.Acq.API, line(pass, b.Acq.Pos()))
		case lockflow.Pending:
			if !discarded(b.Acq) {
				continue // the result went somewhere this analysis does not follow
			}
			report(op.Pos(), relatedAt(b.Acq, "result not checked"), "%s of %s after %s at line %d without checking its result: on failure it releases what this goroutine does not hold", op.API, b.Key.Show, b.Acq.API, line(pass, b.Acq.Pos()))
		}
	}
	if fromEntry != nil && fromHeld != nil && op.Family == syncapi.Mutex && !counted {
		report(op.Pos(), relatedAt(fromHeld.Acq, "acquired on another path"), "%s of %s is reached on a path that does not acquire it (line %d acquires it on another path): unlock of unlocked mutex is a fatal error", op.API, fromEntry.Key.Show, line(pass, fromHeld.Acq.Pos()))
	}
}

// onCycle reports whether b lies on a cycle of its function's graph.
func onCycle(b *ssa.BasicBlock) bool { return reaches(b, b) }

// reaches reports whether block to is reachable from block from in one
// or more steps.
func reaches(from, to *ssa.BasicBlock) bool { return reachesAvoiding(from, to, nil) }

// sameCycle reports whether op's block and b lie on one cycle.
func sameCycle(b *ssa.BasicBlock, op *syncapi.Op) bool {
	ob := opBlock(op)
	return ob == b || reaches(b, ob) && reaches(ob, b)
}

func opBlock(op *syncapi.Op) *ssa.BasicBlock {
	if op.Instr != nil {
		return op.Instr.Block()
	}
	return op.Chan.Block()
}

// countingLoops reports whether a semaphore acquire sits in a loop and
// every release of its semaphore in the function in another: the
// acquire comes round again without passing a release, and each
// release without passing the acquire. Take N, then give N back, which
// the paths (a loop that may run zero times) cannot count.
func countingLoops(f *lockflow.Func, acq *syncapi.Op) bool {
	ab := opBlock(acq)
	k, _ := syncapi.KeyOf(acq.Recv, nil)
	var rels []*ssa.BasicBlock
	for _, op := range f.Ops {
		if op.Kind != syncapi.Release {
			continue
		}
		if rk, ok := syncapi.KeyOf(op.Recv, nil); ok && rk.String() == k.String() {
			rels = append(rels, opBlock(op))
		}
	}
	if len(rels) == 0 || !reachesAvoiding(ab, ab, rels) {
		return false
	}
	for _, rb := range rels {
		if rb == ab || !reachesAvoiding(rb, rb, []*ssa.BasicBlock{ab}) {
			return false
		}
	}
	return true
}

// countedRelease reports whether op releases, in a loop, what a loop of
// acquires before it took: a semaphore's weight or read locks, which
// count (countingLoops).
func countedRelease(f *lockflow.Func, op *syncapi.Op) bool {
	k, _ := syncapi.KeyOf(op.Recv, nil)
	for _, acq := range f.Ops {
		if acq.Kind != syncapi.Acquire || (acq.Family != syncapi.Semaphore && !acq.Read) {
			continue
		}
		if ak, ok := syncapi.KeyOf(acq.Recv, nil); ok && ak.String() == k.String() && countingLoops(f, acq) {
			return true
		}
	}
	return false
}

// reachesAvoiding reports whether to is reachable from from in one or
// more steps without entering any of the blocks in avoid (to itself
// excepted).
func reachesAvoiding(from, to *ssa.BasicBlock, avoid []*ssa.BasicBlock) bool {
	seen := make(map[*ssa.BasicBlock]bool)
	stack := append([]*ssa.BasicBlock(nil), from.Succs...)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == to {
			return true
		}
		if seen[x] || slices.Contains(avoid, x) {
			continue
		}
		seen[x] = true
		stack = append(stack, x.Succs...)
	}
	return false
}

// releasedAfter reports whether the semaphore or lock acq takes is
// released in the function, or in a closure it makes (a goroutine that
// gives the token back): then an acquire whose failure nobody checks
// leads to a release of what was not taken.
func releasedAfter(f *lockflow.Func, acq *syncapi.Op) bool {
	k, _ := syncapi.KeyOf(acq.Recv, nil)
	if f.ClosureReleases[k.String()] {
		return true
	}
	for _, op := range f.Ops {
		if rk, ok := syncapi.KeyOf(op.Recv, nil); ok && op.Kind == syncapi.Release && rk.String() == k.String() {
			return true
		}
	}
	return false
}

// relatedAt is the related information naming op, if there is one.
func relatedAt(op *syncapi.Op, msg string) []analysis.RelatedInformation {
	if op == nil {
		return nil
	}
	return []analysis.RelatedInformation{{Pos: op.Pos(), Message: msg}}
}

// returns lists the returns that leave the lock held, once each, in
// source order; falling off the end is the closing brace.
func returns(f *lockflow.Func, es []*lockflow.Event) []analysis.RelatedInformation {
	var out []analysis.RelatedInformation
	seen := make(map[token.Pos]bool)
	for _, e := range es {
		at := e.Instr.Pos()
		if !at.IsValid() && f.Fn.Syntax() != nil {
			at = f.Fn.Syntax().End() - 1
		}
		if !seen[at] {
			seen[at] = true
			out = append(out, analysis.RelatedInformation{Pos: at, Message: "returns with the lock held"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pos < out[j].Pos })
	return out
}

// discarded reports whether the result of an acquire that tells its
// outcome (the last, if there are several) is not used at all.
func discarded(op *syncapi.Op) bool {
	v, ok := op.Instr.(*ssa.Call)
	if !ok {
		return false
	}
	tuple, ok := v.Type().(*types.Tuple)
	if !ok {
		return len(*v.Referrers()) == 0
	}
	for _, ref := range *v.Referrers() {
		if x, ok := ref.(*ssa.Extract); ok && x.Index == tuple.Len()-1 && len(*x.Referrers()) > 0 {
			return false
		}
	}
	return true
}

// weights returns the constant weights of an acquire and a release.
// weights spells the weights of an acquire and a release, and reports
// whether they differ: two different constants, or a constant on one
// side and a variable on the other (Acquire(ctx, size) then
// Release(1)). Two variables may be equal, and are not compared.
func weights(acq, rel *syncapi.Op) (a, r string, differ bool) {
	ca, ka := weight(acq)
	cr, kr := weight(rel)
	a, r = spell(acq.Weight, ca, ka), spell(rel.Weight, cr, kr)
	switch {
	case ka && kr:
		return a, r, ca != cr
	case ka != kr:
		return a, r, a != r
	}
	return a, r, false
}

func weight(op *syncapi.Op) (int64, bool) {
	if op.Weight == nil {
		return 1, true
	}
	c, ok := op.Weight.(*ssa.Const)
	if !ok || c.Value == nil {
		return 0, false
	}
	return c.Int64(), true
}

// spell writes a weight for a message: its value, or the name of the
// variable it comes from.
func spell(v ssa.Value, c int64, known bool) string {
	if known {
		return fmt.Sprint(c)
	}
	for i := 0; i < 4; i++ {
		switch x := v.(type) {
		case *ssa.Parameter:
			return x.Name()
		case *ssa.FreeVar:
			return x.Name()
		case *ssa.Convert:
			v = x.X
			continue
		case *ssa.ChangeType:
			v = x.X
			continue
		case *ssa.UnOp:
			if a, ok := x.X.(*ssa.Alloc); ok && a.Comment != "" {
				return a.Comment
			}
		}
		break
	}
	return "n"
}

// successOnly reports whether the function holds the lock exactly on
// the returns that report success (nil error or true) and releases it
// on those that report failure: a conditional locking helper.
func successOnly(fn *ssa.Function, x *exits) bool {
	if !conditional(fn) {
		return false
	}
	for _, e := range x.leaks {
		if e.Outcome != "ok" {
			return false
		}
	}
	for _, e := range x.balanced {
		if e.Outcome == "ok" {
			return false
		}
	}
	return true
}

func harm(op *syncapi.Op) string {
	switch op.Family {
	case syncapi.Semaphore:
		return "the weight is never given back"
	case syncapi.ChanSem:
		return "the semaphore slot is never given back"
	}
	return "the lock stays held and the next Lock blocks forever"
}

func doubleHarm(op *syncapi.Op) string {
	if op.Family == syncapi.Semaphore {
		return "releasing more than held panics or lets too many in"
	}
	return "unlock of unlocked mutex is a fatal error"
}

func first(pass *analysis.Pass, es []*lockflow.Event) *lockflow.Event {
	best := es[0]
	for _, e := range es[1:] {
		if e.Instr.Pos() < best.Instr.Pos() {
			best = e
		}
	}
	return best
}

func line(pass *analysis.Pass, pos token.Pos) int { return pass.Fset.Position(pos).Line }

func sortedOps[V any](m map[*syncapi.Op]V) []*syncapi.Op {
	ops := make([]*syncapi.Op, 0, len(m))
	for op := range m {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Pos() < ops[j].Pos() })
	return ops
}
