// Package relock defines an Analyzer that reports a lock acquired again
// by the goroutine that already holds it.
package relock

import (
	"fmt"
	"go/token"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/interleave-go/interleave/analyzers/internal/ignore"
	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
	"github.com/interleave-go/interleave/analyzers/internal/shape"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// Doc is the analyzer's documentation.
const Doc = `report re-acquiring a non-reentrant lock already held

Go's locks are not reentrant: a goroutine that calls Lock on a mutex it
already holds blocks forever, and so does RLock after Lock, Lock after
RLock, and even RLock after RLock once a writer is waiting. The relock
analyzer follows each function path by path and reports an acquire of
a sync.Mutex, sync.RWMutex or primitives Lock/RWLock that the path
already holds, directly or through a call of a function of the same
package that acquires it on every path (for example a method that
locks its receiver, called with the receiver's lock held), and a Lock
in a loop whose release is deferred to the end of the function. An
acquire that can give up (TryLock, or Lock(ctx) with a context that
can be done) is not a deadlock and is not reported.

` + shape.Doc

// Analyzer reports re-acquiring a held lock.
var Analyzer = &analysis.Analyzer{
	Name:     "relock",
	Doc:      Doc,
	URL:      "https://github.com/interleave-go/interleave#relock",
	Requires: []*analysis.Analyzer{lockflow.Analyzer},
	Run:      run,
}

// A finding is one re-acquire of one held lock.
type finding struct {
	held *syncapi.Op // the first acquire
	d    analysis.Diagnostic
}

func run(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[lockflow.Analyzer].(*lockflow.Result)
	rep := ignore.New(pass)
	line := func(pos token.Pos) int { return pass.Fset.Position(pos).Line }
	for _, f := range res.Funcs {
		if !f.Complete {
			continue
		}
		var found []finding
		seen := make(map[token.Pos]bool)
		add := func(held *syncapi.Op, pos token.Pos, related []analysis.RelatedInformation, format string, args ...any) {
			if !seen[pos] {
				seen[pos] = true
				found = append(found, finding{held, analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...), Related: related}})
			}
		}
		for _, e := range f.Events {
			switch e.Kind {
			case lockflow.Acquire:
				b := e.Before
				if e.Op.Family != syncapi.Mutex || !e.Op.Blocking() || b.Status != lockflow.Held {
					continue // Try* fails, Lock(ctx) times out: no deadlock
				}
				hint := ""
				switch {
				case e.IsDeferred(b.Key.String()):
					hint = " (its deferred release runs only when the function returns)"
				case b.Acq == e.Op && f.Leaks(e.Op):
					continue // a path round the loop skips the release: unbalanced reports that
				case b.Acq == e.Op:
					hint = " (an earlier iteration did not release it)"
				}
				related := []analysis.RelatedInformation{{Pos: b.Acq.Pos(), Message: b.Key.Show + " first acquired here"}}
				add(b.Acq, e.Instr.Pos(), related, "%s of %s, already held since line %d%s: %s", e.Op.API, b.Key.Show, line(b.Acq.Pos()), hint, harm(b.Read, e.Op.Read))
			case lockflow.Return:
				for _, d := range e.Deferred {
					key, ok := strings.CutPrefix(d, lockflow.DeferredAcquire)
					if !ok {
						continue
					}
					for _, h := range e.Held() {
						if h.Key.String() != key || h.Acq.Family != syncapi.Mutex {
							continue
						}
						for _, da := range f.Events {
							if da.Kind != lockflow.DeferAcquire || da.Before.Key.String() != key {
								continue
							}
							related := []analysis.RelatedInformation{{Pos: h.Acq.Pos(), Message: h.Key.Show + " acquired here"}}
							if e.Instr.Pos().IsValid() {
								related = append(related, analysis.RelatedInformation{Pos: e.Instr.Pos(), Message: "still held at this return, where the deferred call runs"})
							}
							add(h.Acq, da.Instr.Pos(), related, "deferred %s of %s runs when the function returns, with %s still held since line %d (a typo for the release?): %s",
								da.Op.API, h.Key.Show, h.Key.Show, line(h.Acq.Pos()), harm(h.Read, da.Op.Read))
						}
					}
				}
			case lockflow.Call:
				for _, a := range e.Accesses {
					if !a.Acquire || a.Try || !a.Must || a.Family != syncapi.Mutex {
						continue
					}
					for _, h := range e.Held() {
						if h.Key.String() == a.Key.String() {
							related := []analysis.RelatedInformation{
								{Pos: h.Acq.Pos(), Message: h.Key.Show + " first acquired here"},
								{Pos: a.Pos, Message: "acquired again here, inside " + e.Callee.Name()},
							}
							add(h.Acq, e.Instr.Pos(), related, "call of %s acquires %s (%s at %s), already held since line %d: %s",
								e.Callee.Name(), h.Key.Show, a.API, where(pass, e.Instr.Pos(), a.Pos), line(h.Acq.Pos()), harm(h.Read, a.Read))
						}
					}
				}
			}
		}
		// One finding for each acquire taken again: the first place it
		// is, the others related. Fixing one usually fixes the rest.
		sort.Slice(found, func(i, j int) bool { return found[i].d.Pos < found[j].d.Pos })
		first := make(map[*syncapi.Op]*analysis.Diagnostic)
		var order []*syncapi.Op
		for i := range found {
			x := &found[i]
			if rep.Ignored(x.d.Pos) {
				continue
			}
			if d, ok := first[x.held]; ok {
				d.Related = append(d.Related, analysis.RelatedInformation{Pos: x.d.Pos, Message: "acquired again here too"})
				continue
			}
			first[x.held] = &x.d
			order = append(order, x.held)
		}
		for _, op := range order {
			pass.Report(*first[op])
		}
	}
	return nil, nil
}

// where spells pos as "line N", or "file.go:N" when it is in another
// file than from.
func where(pass *analysis.Pass, from, pos token.Pos) string {
	p, f := pass.Fset.Position(pos), pass.Fset.Position(from)
	if p.Filename == f.Filename {
		return fmt.Sprintf("line %d", p.Line)
	}
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}

func harm(heldRead, read bool) string {
	if heldRead && read {
		return "recursive read locking deadlocks once a writer is waiting"
	}
	return "the lock is not reentrant and this goroutine deadlocks"
}
