package unbalanced

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// helpers judges functions that return holding a lock exactly when they
// report success (a nil error or true). That is right for an acquire
// helper, whose callers release the lock after a success; it is the
// classic bug when the function is no such helper: a lookup that
// returns true from inside its critical section.
type helpers struct {
	res          *lockflow.Result
	funcs        []*ssa.Function
	callers      map[*ssa.Function][]ssa.CallInstruction
	heldAtReturn map[string][]*ssa.Function // see returnsHeld
}

// verdict returns "" when fn is taken for an acquire helper of the lock
// k, or why it is not: its name and doc say nothing of acquiring, or
// its callers in the package never release the lock after it succeeds.
func (h *helpers) verdict(fn *ssa.Function, k syncapi.Key, abs string) string {
	if lockflow.ReturnsLock(fn, k) {
		return "" // it gives the caller the lock to release (kafka-go's Conn.waitResponse)
	}
	if !saysAcquire(fn) {
		return fmt.Sprintf("nothing in the name or doc of %s says it returns holding the lock", fn.Name())
	}
	calls := h.callsOf(fn)
	if len(calls) == 0 {
		return "" // an API for other packages: its name and doc are all there is
	}
	if h.releasedByHandle(fn, abs) {
		return "" // the lock goes with the value it returns
	}
	for _, c := range calls {
		if h.releasedAfter(c, fn, k) {
			return ""
		}
	}
	return fmt.Sprintf("no caller in the package releases it after a success (%d call%s)", len(calls), plural(len(calls)))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// acquireWords are the words of a name or doc that say a function
// takes a lock and may return holding it.
var acquireWords = []string{"lock", "acquire", "grab", "hold", "held", "enter", "claim", "reserve", "take", "obtain", "begin", "release"}

// saysAcquire reports whether fn's name or doc comment speaks of
// acquiring.
func saysAcquire(fn *ssa.Function) bool {
	text := strings.ToLower(fn.Name())
	if d, ok := fn.Syntax().(*ast.FuncDecl); ok && d.Doc != nil {
		text += " " + strings.ToLower(d.Doc.Text())
	}
	for _, w := range acquireWords {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// callsOf returns the static calls of fn in the package.
func (h *helpers) callsOf(fn *ssa.Function) []ssa.CallInstruction {
	if h.callers == nil {
		h.callers = make(map[*ssa.Function][]ssa.CallInstruction)
		for _, g := range h.funcs {
			for _, b := range g.Blocks {
				for _, in := range b.Instrs {
					if c, ok := in.(ssa.CallInstruction); ok {
						if callee := c.Common().StaticCallee(); callee != nil {
							if o := callee.Origin(); o != nil {
								callee = o
							}
							h.callers[callee] = append(h.callers[callee], c)
						}
					}
				}
			}
		}
	}
	return h.callers[fn]
}

// releasedAfter reports whether the caller treats the call as an
// acquire: on some path after it, it releases the lock (directly, by a
// deferred call, or through a function of the package), or returns
// the call's result, an acquire helper itself.
func (h *helpers) releasedAfter(c ssa.CallInstruction, fn *ssa.Function, k syncapi.Key) bool {
	key, ok := rebase(c, k)
	if !ok {
		return false
	}
	call, _ := c.(*ssa.Call)
	seen := make(map[*ssa.BasicBlock]bool)
	var visit func(b *ssa.BasicBlock, from int) bool
	visit = func(b *ssa.BasicBlock, from int) bool {
		for _, in := range b.Instrs[from:] {
			switch in := in.(type) {
			case ssa.CallInstruction:
				if op := h.res.Classify(in); op != nil {
					if op.Kind == syncapi.Release {
						if rk, ok := syncapi.KeyOf(op.Recv, nil); ok && rk.String() == key {
							return true
						}
					}
					continue
				}
				for _, a := range h.res.Accesses(in.Common()) {
					if !a.Acquire && a.Key.String() == key {
						return true
					}
				}
			case *ssa.Return:
				for _, v := range in.Results {
					if call != nil && (v == call || isExtractOf(v, call)) {
						return true
					}
				}
			}
		}
		for _, s := range b.Succs {
			if !seen[s] {
				seen[s] = true
				if visit(s, 0) {
					return true
				}
			}
		}
		return false
	}
	b := c.Block()
	for i, in := range b.Instrs {
		if in == c {
			return visit(b, i+1)
		}
	}
	return false
}

func isExtractOf(v ssa.Value, call *ssa.Call) bool {
	x, ok := v.(*ssa.Extract)
	return ok && x.Tuple == call
}

// rebase spells the callee's lock k as a key of the caller.
func rebase(c ssa.CallInstruction, k syncapi.Key) (string, bool) {
	switch {
	case k.Global():
		return k.String(), true
	case k.Param() >= 0:
		args := c.Common().Args
		if k.Param() >= len(args) {
			return "", false
		}
		base, ok := syncapi.KeyOf(args[k.Param()], nil)
		if !ok {
			return "", false
		}
		return k.Rebase(base).String(), true
	}
	return "", false
}

// conditional reports whether fn's last result reports success: an
// error or a bool.
func conditional(fn *ssa.Function) bool {
	res := fn.Signature.Results()
	if res.Len() == 0 {
		return false
	}
	t := res.At(res.Len() - 1).Type()
	return types.Identical(t, types.Universe.Lookup("error").Type()) || types.Identical(t.Underlying(), types.Typ[types.Bool])
}

// releasedByHandle reports whether fn returns a value of a type whose
// methods in the package release, directly or through calls, a lock of
// the abstract identity abs: the lock goes with the handle it returns
// (bbolt's DB.beginTx read-locks db.mmaplock and returns a *Tx, whose
// Rollback releases it).
func (h *helpers) releasedByHandle(fn *ssa.Function, abs string) bool {
	if abs == "" {
		return false
	}
	res := fn.Signature.Results()
	for i := 0; i < res.Len(); i++ {
		t := res.At(i).Type()
		if _, ok := t.Underlying().(*types.Pointer); !ok {
			continue
		}
		for _, m := range h.funcs {
			recv := m.Signature.Recv()
			if recv == nil || !types.Identical(recv.Type(), t) {
				continue
			}
			for _, a := range h.res.Summary(m).Accesses {
				if !a.Acquire && a.Abstract == abs {
					return true
				}
			}
		}
	}
	return false
}

// returnsHeld reports whether some function of the package returns
// holding a lock of the abstract identity abs (Begin, for Commit to
// release).
func (h *helpers) returnsHeld(abs string, except *ssa.Function) bool {
	if abs == "" {
		return true // unknown: assume so
	}
	if h.heldAtReturn == nil {
		h.heldAtReturn = make(map[string][]*ssa.Function)
		for _, f := range h.res.Funcs {
			for _, e := range f.Events {
				if e.Kind != lockflow.Return {
					continue
				}
				for _, l := range e.Held() {
					if a := syncapi.Abstract(l.Acq.Recv); !e.IsDeferred(l.Key.String()) && !slices.Contains(h.heldAtReturn[a], f.Fn) {
						h.heldAtReturn[a] = append(h.heldAtReturn[a], f.Fn)
					}
				}
			}
		}
	}
	return slices.ContainsFunc(h.heldAtReturn[abs], func(fn *ssa.Function) bool { return fn != except })
}
