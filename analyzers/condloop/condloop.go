// Package condloop defines an Analyzer that reports condition-variable
// waits outside a loop that rechecks the condition, and waits without
// the lock held.
package condloop

import (
	"fmt"
	"go/token"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/ignore"
	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
)

// Doc is the analyzer's documentation.
const Doc = `report Cond.Wait outside a condition loop or without the lock

When Wait returns, the condition the goroutine waited for may already be
false again: another goroutine can take the lock between the Signal and
the wake-up, and Broadcast wakes everyone. So Wait belongs in a loop
that rechecks the condition:

	c.L.Lock()
	for !condition() {
		c.Wait()
	}

The condloop analyzer reports a sync.Cond.Wait or primitives
Condition.Wait that is not inside a loop (of any form, including goto)
that contains a conditional branch (in test files, only one under an
if: a test may wait once for a Signal it knows comes; and not in a
wrapper that takes the condition variable as a parameter and returns
right after waiting), and a Wait reached on a path where
the function released its locks and holds none: Wait unlocks c.L, and
unlocking an unlocked mutex is a fatal error. So is a Wait in a function
that takes no lock and that no caller can lock for: a goroutine's body,
or an exported method of a type without a Lock method that the package
never calls with a lock held and whose name and doc do not speak of
holding one.`

// Analyzer reports misused condition waits.
var Analyzer = &analysis.Analyzer{
	Name:     "condloop",
	Doc:      Doc,
	URL:      "https://github.com/interleave-go/interleave#condloop",
	Requires: []*analysis.Analyzer{lockflow.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[lockflow.Analyzer].(*lockflow.Result)
	rep := ignore.New(pass)
	callers := res.Callers()
	for _, f := range res.Funcs {
		var waits []ssa.Instruction
		for in := range f.Waits {
			waits = append(waits, in)
		}
		sort.Slice(waits, func(i, j int) bool { return waits[i].Pos() < waits[j].Pos() })
		for _, in := range waits {
			if inCheckedLoop(in.Block()) || forwards(in) {
				continue
			}
			if strings.HasSuffix(pass.Fset.File(in.Pos()).Name(), "_test.go") && !guarded(in.Block()) {
				continue // a test may wait once for a Signal it knows comes
			}
			{
				rep.Report(analysis.Diagnostic{Pos: in.Pos(), Message: fmt.Sprintf(
					"%s not in a loop that rechecks the condition: the condition may be false again when Wait returns", f.Waits[in])})
			}
		}
		if !f.Complete {
			continue
		}
		reported := make(map[token.Pos]bool)
		for _, e := range f.Events {
			if e.Kind != lockflow.Wait || reported[e.Instr.Pos()] {
				continue
			}
			switch {
			case unlocked(e):
				reported[e.Instr.Pos()] = true
				rep.Report(analysis.Diagnostic{Pos: e.Instr.Pos(), Message: fmt.Sprintf(
					"%s without holding the lock (released at line %d): Wait unlocks it, and unlocking an unlocked mutex is a fatal error",
					e.Name, pass.Fset.Position(released(e).Rel.Pos()).Line)})
			case untouched(e) && callers.NeverLocked(f.Fn):
				reported[e.Instr.Pos()] = true
				rep.Report(analysis.Diagnostic{Pos: e.Instr.Pos(), Message: fmt.Sprintf(
					"%s in %s, which takes no lock and %s: Wait unlocks the lock it was made with, and unlocking an unlocked mutex is a fatal error",
					e.Name, f.Fn.Name(), callers.Why(f.Fn))})
			}
		}
	}
	return nil, nil
}

// unlocked reports whether the path released its locks and holds none.
func unlocked(e *lockflow.Event) bool {
	for _, l := range e.Locks {
		if l.Status != lockflow.Released && l.Status != lockflow.Entry {
			return false
		}
	}
	return released(e) != nil
}

func released(e *lockflow.Event) *lockflow.Lock {
	for i, l := range e.Locks {
		if l.Status == lockflow.Released && l.Rel != nil {
			return &e.Locks[i]
		}
	}
	return nil
}

// forwards reports whether the wait is a wrapper's: the condition
// variable is a parameter and the function returns right after the
// wait, leaving the loop to its caller.
func forwards(in ssa.Instruction) bool {
	call, ok := in.(*ssa.Call)
	if !ok {
		return false
	}
	recv := call.Call.Value
	if !call.Call.IsInvoke() && len(call.Call.Args) > 0 {
		recv = call.Call.Args[0]
	}
	if _, ok := recv.(*ssa.Parameter); !ok {
		return false
	}
	b := in.Block()
	for i, x := range b.Instrs {
		if x != in {
			continue
		}
		switch b.Instrs[i+1].(type) {
		case *ssa.Return:
			return true
		case *ssa.Jump:
			_, ret := b.Succs[0].Instrs[0].(*ssa.Return)
			return ret
		}
	}
	return false
}

// guarded reports whether b runs only after a conditional branch
// taken on the way to it: the "if instead of for" shape.
func guarded(b *ssa.BasicBlock) bool {
	for len(b.Preds) == 1 {
		p := b.Preds[0]
		switch p.Instrs[len(p.Instrs)-1].(type) {
		case *ssa.If:
			return true
		case *ssa.Jump:
			b = p
		default:
			return false
		}
	}
	return false
}

// inCheckedLoop reports whether b lies on a cycle of the control-flow
// graph that contains a conditional branch.
func inCheckedLoop(b *ssa.BasicBlock) bool {
	fwd := reach(b, func(x *ssa.BasicBlock) []*ssa.BasicBlock { return x.Succs })
	if !fwd[b] {
		return false
	}
	back := reach(b, func(x *ssa.BasicBlock) []*ssa.BasicBlock { return x.Preds })
	for x := range fwd {
		if back[x] {
			if _, ok := x.Instrs[len(x.Instrs)-1].(*ssa.If); ok {
				return true
			}
		}
	}
	return false
}

// reach returns the blocks reachable from b in one or more steps.
func reach(b *ssa.BasicBlock, next func(*ssa.BasicBlock) []*ssa.BasicBlock) map[*ssa.BasicBlock]bool {
	seen := make(map[*ssa.BasicBlock]bool)
	stack := append([]*ssa.BasicBlock(nil), next(b)...)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[x] {
			continue
		}
		seen[x] = true
		stack = append(stack, next(x)...)
	}
	return seen
}

// untouched reports whether the path has touched no lock at all.
func untouched(e *lockflow.Event) bool {
	for _, l := range e.Locks {
		if l.Status != lockflow.Entry {
			return false
		}
	}
	return true
}
