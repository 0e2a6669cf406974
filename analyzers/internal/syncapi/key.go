package syncapi

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// A Key names a lock inside one function by its access path: a root (a
// parameter, a package-level variable, a free variable or a local
// value) followed by field selections, dereferences and constant
// indices. Two SSA values with the same Key denote the same lock unless
// the code reassigns a variable on the path in between, which the
// analyzers accept as a source of imprecision.
type Key struct {
	Root string // "p0" (parameter 0), "fv1", "g:path.name", "a:t3", "v:t7"
	Path string // ".mu", ".*.m", "[2].mu"
	Show string // the source-like spelling used in messages: "s.mu"
}

// String returns the canonical spelling of k, used for comparison.
func (k Key) String() string { return k.Root + k.Path }

// Param returns the index of the parameter k is rooted at, or -1.
func (k Key) Param() int { return rootIndex(k.Root, "p") }

// FreeVar returns the index of the free variable k is rooted at, or -1.
func (k Key) FreeVar() int { return rootIndex(k.Root, "fv") }

func rootIndex(root, prefix string) int {
	rest, ok := strings.CutPrefix(root, prefix)
	if !ok {
		return -1
	}
	i, err := strconv.Atoi(rest)
	if err != nil {
		return -1
	}
	return i
}

// Global reports whether k is rooted at a package-level variable.
func (k Key) Global() bool { return len(k.Root) > 2 && k.Root[:2] == "g:" }

// addr marks the key of a variable's cell, whose load is the variable:
// "p0" then addr then ".*" is "p0".
const addr = ".&"

// join appends path q to path p, a load cancelling an address.
func join(p, q string) string {
	if strings.HasSuffix(p, addr) && strings.HasPrefix(q, ".*") {
		return p[:len(p)-len(addr)] + q[2:]
	}
	return p + q
}

// Rebase replaces the root of k by base: a callee's key "p0.mu" rebased
// on the caller's argument "s" gives "s.mu".
func (k Key) Rebase(base Key) Key {
	return Key{Root: base.Root, Path: join(base.Path, k.Path), Show: base.Show + showPath(k.Path)}
}

// HasPrefix reports whether k is p or is reached through p (the cell of
// a variable reaches what the variable does).
func (k Key) HasPrefix(p Key) bool {
	p.Path = strings.TrimSuffix(p.Path, addr)
	if k.Root != p.Root || len(k.Path) < len(p.Path) || k.Path[:len(p.Path)] != p.Path {
		return false
	}
	return len(k.Path) == len(p.Path) || k.Path[len(p.Path)] == '.' || k.Path[len(p.Path)] == '['
}

func showPath(p string) string {
	out := make([]byte, 0, len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '.' && i+1 < len(p) && p[i+1] == '*' {
			i++
			continue
		}
		out = append(out, p[i])
	}
	return string(out)
}

// KeyOf returns the key of v. subst gives the keys of free variables
// when a closure body is read in the context of the function that
// creates it; it may be nil.
func KeyOf(v ssa.Value, subst map[*ssa.FreeVar]Key) (Key, bool) {
	switch v := v.(type) {
	case *ssa.Parameter:
		for i, p := range v.Parent().Params {
			if p == v {
				return Key{Root: fmt.Sprintf("p%d", i), Show: v.Name()}, true
			}
		}
	case *ssa.Global:
		if v.Pkg == nil {
			return Key{}, false
		}
		return Key{Root: "g:" + v.Pkg.Pkg.Path() + "." + v.Name(), Show: v.Name()}, true
	case *ssa.FreeVar:
		if k, ok := subst[v]; ok {
			return k, true
		}
		for i, fv := range v.Parent().FreeVars {
			if fv == v {
				return Key{Root: fmt.Sprintf("fv%d", i), Show: v.Name()}, true
			}
		}
	case *ssa.Alloc:
		if p := spilled(v); p != nil {
			// The cell holding a captured parameter: its address.
			k, ok := KeyOf(p, subst)
			k.Path += addr
			return k, ok
		}
		show := v.Comment
		if show == "" {
			show = v.Name()
		}
		return Key{Root: "a:" + v.Name(), Show: show}, true
	case *ssa.FieldAddr:
		return field(v.X, v.X.Type(), v.Field, subst)
	case *ssa.Field:
		return field(v.X, v.X.Type(), v.Field, subst)
	case *ssa.UnOp:
		if v.Op.String() == "*" {
			k, ok := KeyOf(v.X, subst)
			k.Path = join(k.Path, ".*")
			return k, ok
		}
	case *ssa.IndexAddr:
		return index(v.X, v.Index, subst)
	case *ssa.Index:
		return index(v.X, v.Index, subst)
	case *ssa.MakeInterface:
		return KeyOf(v.X, subst)
	case *ssa.ChangeType:
		return KeyOf(v.X, subst)
	case *ssa.ChangeInterface:
		return KeyOf(v.X, subst)
	case *ssa.Const, *ssa.Function, *ssa.Builtin:
		return Key{}, false
	case *Keyed:
		return v.Key, true
	}
	if v.Parent() == nil {
		return Key{}, false
	}
	return Key{Root: "v:" + v.Name(), Show: v.Name()}, true
}

// spilled returns the parameter that a local cell holds, if x is the
// cell go/ssa makes for a parameter that a closure captures: stored
// once, with the parameter, and otherwise only loaded or captured. A
// load of it is the parameter, so that a lock reached through it has
// the parameter's key, as callers know it.
func spilled(x ssa.Value) *ssa.Parameter {
	a, ok := x.(*ssa.Alloc)
	if !ok || !a.Heap {
		return nil
	}
	var p *ssa.Parameter
	for _, ref := range *a.Referrers() {
		switch r := ref.(type) {
		case *ssa.Store:
			if r.Addr != a || p != nil {
				return nil
			}
			if p, ok = r.Val.(*ssa.Parameter); !ok {
				return nil
			}
		case *ssa.UnOp, *ssa.MakeClosure, *ssa.DebugRef:
		default:
			return nil
		}
	}
	return p
}

func field(x ssa.Value, t types.Type, i int, subst map[*ssa.FreeVar]Key) (Key, bool) {
	st, ok := deref(t).Underlying().(*types.Struct)
	if !ok {
		return Key{}, false
	}
	k, ok := KeyOf(x, subst)
	name := st.Field(i).Name()
	k.Path += "." + name
	k.Show += "." + name
	return k, ok
}

func index(x, i ssa.Value, subst map[*ssa.FreeVar]Key) (Key, bool) {
	var s string
	if c, isConst := i.(*ssa.Const); isConst && c.Value != nil && c.Value.Kind() == constant.Int {
		s = "[" + c.Value.String() + "]"
	} else if _, isInstr := i.(ssa.Instruction); isInstr {
		s = "[" + i.Name() + "]" // the same index value: the same element
	} else if p, isParam := i.(*ssa.Parameter); isParam {
		s = "[" + p.Name() + "]"
	} else {
		return Key{}, false
	}
	k, ok := KeyOf(x, subst)
	k.Path += s
	k.Show += s
	return k, ok
}

func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// Abstract returns the identity of a lock that holds across functions
// and packages: "path.T.f" for field f of named struct type T, or
// "path.v" for package-level variable v. It returns "" for locks with
// no such identity (locals, parameters that point to bare mutexes).
func Abstract(v ssa.Value) string {
	switch v := v.(type) {
	case *ssa.Global:
		if v.Pkg == nil {
			return ""
		}
		return v.Pkg.Pkg.Path() + "." + v.Name()
	case *ssa.FieldAddr:
		return abstractField(v.X, v.Field)
	case *ssa.Field:
		return abstractField(v.X, v.Field)
	case *ssa.UnOp:
		if v.Op.String() == "*" {
			return Abstract(v.X)
		}
	case *ssa.MakeInterface:
		return Abstract(v.X)
	case *ssa.ChangeType:
		return Abstract(v.X)
	case *ssa.ChangeInterface:
		return Abstract(v.X)
	case *Keyed:
		return v.Abs
	}
	return ""
}

// Keyed stands for a lock that a helper function of the package acquires
// or releases for its caller: known by its key in the caller (and its
// abstract identity), not by a value of the caller's.
type Keyed struct {
	Key  Key
	Abs  string              // as Abstract gives it
	Call ssa.CallInstruction // the call of the helper
	T    types.Type          // the lock's type
}

// Name implements ssa.Value.
func (k *Keyed) Name() string { return k.Key.Show }

// String implements ssa.Value.
func (k *Keyed) String() string { return k.Key.Show }

// Type implements ssa.Value.
func (k *Keyed) Type() types.Type { return k.T }

// Pos implements ssa.Value.
func (k *Keyed) Pos() token.Pos { return k.Call.Pos() }

// Parent implements ssa.Value.
func (k *Keyed) Parent() *ssa.Function { return k.Call.Parent() }

// Referrers implements ssa.Value.
func (k *Keyed) Referrers() *[]ssa.Instruction { return nil }

// abstractField names field i of the struct x points to (or is). A
// struct held by value in a field of another struct is named through
// that field, so that c.in.Mutex and c.out.Mutex (two fields of the
// same type) stay apart: "tls.Conn.in.Mutex".
func abstractField(x ssa.Value, i int) string {
	if outer, ok := x.(*ssa.FieldAddr); ok {
		if id := Abstract(outer); id != "" {
			st, ok := deref(x.Type()).Underlying().(*types.Struct)
			if ok {
				return id + "." + st.Field(i).Name()
			}
		}
	}
	if outer, ok := x.(*ssa.Field); ok {
		if id := Abstract(outer); id != "" {
			st, ok := x.Type().Underlying().(*types.Struct)
			if ok {
				return id + "." + st.Field(i).Name()
			}
		}
	}
	n, ok := types.Unalias(deref(x.Type())).(*types.Named)
	if !ok {
		return ""
	}
	o := n.Origin().Obj()
	st, ok := n.Underlying().(*types.Struct)
	if !ok || o.Pkg() == nil {
		return ""
	}
	return o.Pkg().Path() + "." + o.Name() + "." + st.Field(i).Name()
}

// ShortAbstract drops the directories from an abstract identity:
// "net/http.Server.mu" -> "http.Server.mu".
func ShortAbstract(id string) string { return short(id) }
