package lockorder

import (
	"fmt"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// A nested is a function that takes the same lock of two of its
// parameters, one while holding the other: transfer(from, to) locking
// from.mu, then to.mu. Called as transfer(a, b) and transfer(b, a) at
// once, it deadlocks.
type nested struct {
	fn           *ssa.Function
	first, other int // the parameters, in the order they are locked
	firstShow    string
	otherShow    string
	lock         string // the lock's identity
	pos          token.Pos
}

// instanceOrders reports the functions of the package that lock two
// instances of one lock in the order of their parameters, when the
// package itself calls them both ways round, or with two elements of
// one slice or map (whose order the caller cannot know). A function
// that takes them in either order (sorting them first) is not
// reported, nor is one no call shows to be symmetric: locking a parent
// then its child is an order, not a bug.
func instanceOrders(pass *analysis.Pass, res *lockflow.Result, funcs []*ssa.Function) []analysis.Diagnostic {
	var found []nested
	for _, f := range res.Funcs {
		if !f.Complete {
			continue
		}
		var here []nested
		for _, e := range f.Events {
			if e.Kind != lockflow.Acquire || e.Op.Family != syncapi.Mutex || !e.Op.Blocking() {
				continue
			}
			lock := syncapi.Abstract(e.Op.Recv)
			j := e.Before.Key.Param()
			if lock == "" || j < 0 {
				continue
			}
			for _, h := range e.Held() {
				i := h.Key.Param()
				if i < 0 || i == j || h.Acq.Family != syncapi.Mutex || syncapi.Abstract(h.Acq.Recv) != lock || (h.Read && e.Op.Read) {
					continue
				}
				if h.Key.Path != e.Before.Key.Path {
					continue // different fields of the two: a.x.mu, b.y.mu
				}
				here = append(here, nested{f.Fn, i, j, h.Key.Show, e.Before.Key.Show, lock, e.Instr.Pos()})
			}
		}
		for _, n := range here {
			ordered := slices.ContainsFunc(here, func(m nested) bool { return m.first == n.other && m.other == n.first })
			if !ordered && !slices.ContainsFunc(found, func(m nested) bool { return m.fn == n.fn && m.first == n.first && m.other == n.other }) {
				found = append(found, n)
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	calls := callSites(funcs)
	var out []analysis.Diagnostic
	for _, n := range found {
		why, at := evidence(n, calls[n.fn])
		if why == "" {
			continue
		}
		d := analysis.Diagnostic{Pos: n.pos, Message: fmt.Sprintf(
			"%s acquired while holding %s, the same lock (%s) of another value: %s, and two such calls at once deadlock (take the two in a fixed order)",
			n.otherShow, n.firstShow, syncapi.ShortAbstract(n.lock), why)}
		for _, p := range at {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: p, Message: "called here"})
		}
		out = append(out, d)
	}
	return out
}

// callSites returns the static calls (plain, go and defer) of each
// function of the package.
func callSites(funcs []*ssa.Function) map[*ssa.Function][]ssa.CallInstruction {
	out := make(map[*ssa.Function][]ssa.CallInstruction)
	for _, g := range funcs {
		for _, b := range g.Blocks {
			for _, in := range b.Instrs {
				if c, ok := in.(ssa.CallInstruction); ok {
					if callee := c.Common().StaticCallee(); callee != nil {
						if o := callee.Origin(); o != nil {
							callee = o
						}
						out[callee] = append(out[callee], c)
					}
				}
			}
		}
	}
	return out
}

// evidence says how the package's calls of n.fn pass the two
// parameters in either order, and where; "" if they do not.
func evidence(n nested, calls []ssa.CallInstruction) (string, []token.Pos) {
	type pair struct {
		a, b string
		pos  token.Pos
	}
	var pairs []pair
	for _, c := range calls {
		args := c.Common().Args
		if n.first >= len(args) || n.other >= len(args) {
			continue
		}
		x, y := args[n.first], args[n.other]
		if coll := sameCollection(x, y); coll != "" {
			return fmt.Sprintf("the call of %s at line %d passes two elements of %s, in either order", n.fn.Name(), line(c), coll), []token.Pos{c.Pos()}
		}
		kx, okx := resolvedKey(x)
		ky, oky := resolvedKey(y)
		if okx && oky && kx != ky {
			pairs = append(pairs, pair{kx, ky, c.Pos()})
		}
	}
	for i, p := range pairs {
		for _, q := range pairs[i+1:] {
			if p.a == q.b && p.b == q.a {
				return fmt.Sprintf("%s is called with them both ways round (lines %d and %d)", n.fn.Name(), posLine(n.fn, p.pos), posLine(n.fn, q.pos)), []token.Pos{p.pos, q.pos}
			}
		}
	}
	return "", nil
}

func line(c ssa.CallInstruction) int {
	return c.Parent().Prog.Fset.Position(c.Pos()).Line
}

func posLine(fn *ssa.Function, pos token.Pos) int { return fn.Prog.Fset.Position(pos).Line }

// resolvedKey is the key of an argument in the function that makes
// the call, or, in a closure made in one place, of the value the
// closure captured there.
func resolvedKey(v ssa.Value) (string, bool) {
	if fv, ok := v.(*ssa.FreeVar); ok {
		fn := fv.Parent()
		idx := slices.Index(fn.FreeVars, fv)
		var bound ssa.Value
		n := 0
		if fn.Parent() != nil {
			for _, b := range fn.Parent().Blocks {
				for _, in := range b.Instrs {
					if mc, ok := in.(*ssa.MakeClosure); ok && mc.Fn == fn {
						bound = mc.Bindings[idx]
						n++
					}
				}
			}
		}
		if n == 1 {
			return resolvedKey(bound)
		}
		return "", false
	}
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		if _, isFV := u.X.(*ssa.FreeVar); isFV {
			k, ok := resolvedKey(u.X)
			return k + ".*", ok
		}
	}
	k, ok := syncapi.KeyOf(v, nil)
	if !ok || strings.HasPrefix(k.Root, "v:") {
		return "", false // a value computed here: nothing to compare
	}
	return k.String(), true
}

// sameCollection returns the spelling of the slice, array or map that x
// and y are two elements of (at indices or keys not known to be
// equal), or "".
func sameCollection(x, y ssa.Value) string {
	base := func(v ssa.Value) (ssa.Value, ssa.Value, bool) {
		if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
			v = u.X
		}
		switch v := v.(type) {
		case *ssa.IndexAddr:
			return v.X, v.Index, true
		case *ssa.Index:
			return v.X, v.Index, true
		case *ssa.Lookup:
			return v.X, v.Index, true
		}
		return nil, nil, false
	}
	bx, ix, ok1 := base(x)
	by, iy, ok2 := base(y)
	if !ok1 || !ok2 || ix == iy {
		return ""
	}
	if _, c1 := ix.(*ssa.Const); c1 {
		if _, c2 := iy.(*ssa.Const); c2 {
			return "" // two known elements: a fixed order
		}
	}
	kx, okx := syncapi.KeyOf(bx, nil)
	ky, oky := syncapi.KeyOf(by, nil)
	if bx != by && (!okx || !oky || kx.String() != ky.String()) {
		return ""
	}
	return kx.Show
}
