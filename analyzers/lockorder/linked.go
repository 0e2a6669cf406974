package lockorder

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// A link is a pair of fields of one struct type that the package sets as
// each other's inverse: c.parent = p with p.children = append(..., c),
// or n.next = m with m.prev = n.
type link struct {
	typ    *types.Struct
	f1, f2 int
	pos    token.Pos
}

// A step is a lock of one instance of a type taken while holding the
// same lock of another instance reached from it through field f: x.f.mu
// while holding x.mu, or the mu of an element of x.f.
type step struct {
	typ  *types.Struct
	f    int
	pos  token.Pos
	fn   *ssa.Function
	lock string
}

// linkedOrders reports a lock that the package takes both ways along
// two fields it keeps as each other's inverse: a child that locks its
// parent while holding its own lock, and a parent that locks its
// children while holding its own. One goroutine going up and one going
// down deadlock.
func linkedOrders(pass *analysis.Pass, res *lockflow.Result, funcs []*ssa.Function) []analysis.Diagnostic {
	links := findLinks(funcs)
	if len(links) == 0 {
		return nil
	}
	var steps []step
	for _, f := range res.Funcs {
		if !f.Complete {
			continue
		}
		for _, e := range f.Events {
			steps = append(steps, stepsOf(res, f.Fn, e)...)
		}
	}
	var out []analysis.Diagnostic
	done := make(map[[3]any]bool)
	for _, l := range links {
		var up, down *step
		for i := range steps {
			s := &steps[i]
			if s.typ != l.typ {
				continue
			}
			switch s.f {
			case l.f1:
				if up == nil || s.pos < up.pos {
					up = s
				}
			case l.f2:
				if down == nil || s.pos < down.pos {
					down = s
				}
			}
		}
		if up == nil || down == nil {
			continue
		}
		key := [3]any{l.typ, min(l.f1, l.f2), max(l.f1, l.f2)}
		if done[key] {
			continue
		}
		done[key] = true
		f1, f2 := l.typ.Field(l.f1).Name(), l.typ.Field(l.f2).Name()
		p := pass.Fset.Position(down.pos)
		out = append(out, analysis.Diagnostic{
			Pos: up.pos,
			Message: fmt.Sprintf("%s of the %s acquired while holding its owner's, but %s (%s:%d) takes them the other way round, through %s, which the package keeps as the inverse of %s: one goroutine going each way deadlocks",
				syncapi.ShortAbstract(up.lock), f1, lockflow.FuncName(down.fn), filepath.Base(p.Filename), p.Line, f2, f1),
			Related: []analysis.RelatedInformation{{Pos: down.pos, Message: "the other way round, through " + f2}, {Pos: l.pos, Message: f1 + " and " + f2 + " linked here"}},
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pos < out[j].Pos })
	return out
}

// findLinks finds the pairs of fields the package sets as inverses.
func findLinks(funcs []*ssa.Function) []link {
	var out []link
	for _, fn := range funcs {
		type set struct {
			obj, val ssa.Value
			st       *types.Struct
			f        int
			pos      token.Pos
		}
		var sets []set // obj.f = val, obj and val of one struct type
		var adds []set // val added to obj.f (append, map store)
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				st, ok := in.(*ssa.Store)
				if !ok {
					continue
				}
				fa, ok := st.Addr.(*ssa.FieldAddr)
				if !ok {
					continue
				}
				s := structOf(fa.X.Type())
				if s == nil {
					continue
				}
				if sameStruct(st.Val.Type(), s) {
					sets = append(sets, set{fa.X, st.Val, s, fa.Field, st.Pos()})
					continue
				}
				if call, ok := st.Val.(*ssa.Call); ok {
					if bi, ok := call.Call.Value.(*ssa.Builtin); ok && bi.Name() == "append" && len(call.Call.Args) == 2 {
						if sl, ok := call.Call.Args[1].(*ssa.Slice); ok {
							if arr, ok := sl.X.(*ssa.Alloc); ok {
								for _, ref := range *arr.Referrers() {
									if ia, ok := ref.(*ssa.IndexAddr); ok {
										for _, r2 := range *ia.Referrers() {
											if s2, ok := r2.(*ssa.Store); ok && s2.Addr == ia && sameStruct(s2.Val.Type(), s) {
												adds = append(adds, set{fa.X, s2.Val, s, fa.Field, st.Pos()})
											}
										}
									}
								}
							}
						}
					}
				}
			}
		}
		for _, a := range sets {
			for _, b := range append(append([]set(nil), sets...), adds...) {
				if b.st == a.st && same(a.obj, b.val) && same(a.val, b.obj) && a.f != b.f {
					out = append(out, link{a.st, a.f, b.f, a.pos})
				}
			}
		}
	}
	return out
}

// same reports whether two values are one: equal, or loads of one key.
func same(x, y ssa.Value) bool {
	if x == y {
		return true
	}
	kx, okx := syncapi.KeyOf(x, nil)
	ky, oky := syncapi.KeyOf(y, nil)
	return okx && oky && kx.String() == ky.String()
}

func structOf(t types.Type) *types.Struct {
	p, ok := t.Underlying().(*types.Pointer)
	if !ok {
		return nil
	}
	s, _ := p.Elem().Underlying().(*types.Struct)
	return s
}

func sameStruct(t types.Type, s *types.Struct) bool { return structOf(t) == s }

// stepsOf returns the steps event e makes: an acquire of, or a call
// that must acquire, the lock of an object reached from a held one's
// object through one field.
func stepsOf(res *lockflow.Result, fn *ssa.Function, e *lockflow.Event) []step {
	var objs []ssa.Value // objects whose lock the event takes
	var lock string
	switch e.Kind {
	case lockflow.Acquire:
		if e.Op.Family != syncapi.Mutex || !e.Op.Blocking() {
			return nil
		}
		fa, ok := e.Op.Recv.(*ssa.FieldAddr)
		if !ok {
			return nil
		}
		objs, lock = []ssa.Value{fa.X}, syncapi.Abstract(e.Op.Recv)
	case lockflow.Call:
		args := e.Instr.(ssa.CallInstruction).Common().Args
		if len(args) == 0 || structOf(args[0].Type()) == nil {
			return nil
		}
		for _, a := range e.Accesses {
			if a.Acquire && a.Must && !a.Try && a.Family == syncapi.Mutex && a.Abstract != "" {
				objs, lock = []ssa.Value{args[0]}, a.Abstract
			}
		}
		if lock == "" && e.Callee == fn {
			// A recursive call, whose summary is under way: the
			// function locks its receiver's lock itself.
			lock = receiverLock(res, fn)
			objs = []ssa.Value{args[0]}
		}
	}
	if lock == "" {
		return nil
	}
	var out []step
	for _, obj := range objs {
		s := structOf(obj.Type())
		for _, h := range e.Held() {
			if h.Acq.Family != syncapi.Mutex || syncapi.Abstract(h.Acq.Recv) != lock {
				continue
			}
			hfa, ok := h.Acq.Recv.(*ssa.FieldAddr)
			if !ok {
				continue
			}
			if f, ok := reachedBy(obj, hfa.X); ok && structOf(hfa.X.Type()) == s {
				out = append(out, step{s, f, e.Instr.Pos(), fn, lock})
			}
		}
	}
	return out
}

// reachedBy returns the field of owner through which obj is reached:
// obj is a load of owner.f, or an element of the slice or map owner.f.
func reachedBy(obj, owner ssa.Value) (int, bool) {
	field := func(v ssa.Value) (int, bool) {
		u, ok := v.(*ssa.UnOp)
		if !ok || u.Op != token.MUL {
			return 0, false
		}
		fa, ok := u.X.(*ssa.FieldAddr)
		if !ok || !same(fa.X, owner) {
			return 0, false
		}
		return fa.Field, true
	}
	if f, ok := field(obj); ok {
		return f, true
	}
	switch v := obj.(type) {
	case *ssa.UnOp: // *&s[i]
		if ia, ok := v.X.(*ssa.IndexAddr); ok && v.Op == token.MUL {
			return field(ia.X)
		}
	case *ssa.Lookup: // m[k]
		return field(v.X)
	case *ssa.Extract: // range over a map
		if nx, ok := v.Tuple.(*ssa.Next); ok {
			if r, ok := nx.Iter.(*ssa.Range); ok {
				return field(r.X)
			}
		}
	}
	return 0, false
}

// receiverLock returns the identity of the lock of its receiver that fn
// takes on every path, before anything else locks it: "" if none.
func receiverLock(res *lockflow.Result, fn *ssa.Function) string {
	f := res.Func(fn)
	if f == nil || !f.Complete {
		return ""
	}
	for _, e := range f.Events {
		if e.Kind == lockflow.Acquire && e.Op.Family == syncapi.Mutex && e.Op.Blocking() && e.Before.Status == lockflow.Entry &&
			e.Before.Key.Param() == 0 && res.Mandatory(e.Instr.Block()) {
			return syncapi.Abstract(e.Op.Recv)
		}
	}
	return ""
}
