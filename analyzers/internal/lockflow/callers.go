package lockflow

import (
	"go/ast"
	"go/types"
	"regexp"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// Callers returns how the package calls its functions, worked out once.
func (r *Result) Callers() *Callers {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.callers == nil {
		r.callers = newCallers(r)
	}
	return r.callers
}

// asksForLock matches a doc that speaks of its caller holding a lock.
var asksForLock = regexp.MustCompile(`(?i)\b(lock|locked|locks|locking|held|hold|holds|holding)\b`)

// Callers knows how the package calls its functions: which it starts as
// goroutines, and which it calls with a lock held.
type Callers struct {
	started map[*ssa.Function]bool
	locked  map[*ssa.Function]bool
	called  map[*ssa.Function]bool
}

func newCallers(res *Result) *Callers {
	c := &Callers{started: make(map[*ssa.Function]bool), locked: make(map[*ssa.Function]bool), called: make(map[*ssa.Function]bool)}
	for _, f := range res.Funcs {
		if !f.Complete { // its paths are unknown: any call may be made locked
			for _, b := range f.Fn.Blocks {
				for _, in := range b.Instrs {
					if call, ok := in.(ssa.CallInstruction); ok && call.Common().StaticCallee() != nil {
						c.locked[call.Common().StaticCallee()] = true
					}
				}
			}
			continue
		}
		for _, e := range f.Events {
			if e.Kind == Call && e.Callee != nil && len(e.Held()) > 0 {
				c.locked[e.Callee] = true
			}
		}
	}
	for _, fn := range res.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				call, ok := in.(ssa.CallInstruction)
				if !ok {
					continue
				}
				callee := call.Common().StaticCallee()
				if callee == nil {
					continue
				}
				if _, isGo := in.(*ssa.Go); isGo {
					c.started[callee] = true
					continue
				}
				c.called[callee] = true
			}
		}
	}
	return c
}

// NeverLocked reports whether fn cannot be called with the condition
// variable's lock held: a goroutine's body only, or an exported method
// of a type that lets no other package lock (no Lock method), that the
// package never calls with a lock held, and whose name and doc do not
// ask for the lock.
func (c *Callers) NeverLocked(fn *ssa.Function) bool {
	if c.started[fn] && !c.called[fn] {
		return true
	}
	if c.started[fn] || c.locked[fn] || fn.Parent() != nil {
		return false
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok || !obj.Exported() {
		return false
	}
	if strings.HasSuffix(fn.Name(), "Locked") {
		return false
	}
	if d, ok := fn.Syntax().(*ast.FuncDecl); ok && d.Doc != nil && asksForLock.MatchString(d.Doc.Text()) {
		return false
	}
	recv := fn.Signature.Recv()
	if recv == nil {
		return false
	}
	ms := types.NewMethodSet(recv.Type())
	for _, m := range []string{"Lock", "RLock"} {
		if sel := ms.Lookup(nil, m); sel != nil && sel.Obj().Exported() {
			return false
		}
	}
	if p, ok := recv.Type().(*types.Pointer); ok {
		if n, ok := types.Unalias(p.Elem()).(*types.Named); ok && !n.Obj().Exported() {
			return false
		}
	}
	return true
}

// Why says why NeverLocked holds, for a message.
func (c *Callers) Why(fn *ssa.Function) string {
	if c.started[fn] {
		return "runs as a goroutine"
	}
	return "no caller can lock for it"
}

// Started reports whether the package starts fn as a goroutine.
func (c *Callers) Started(fn *ssa.Function) bool { return c.started[fn] }
