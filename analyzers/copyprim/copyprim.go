// Package copyprim defines an Analyzer that reports copies of
// synchronization primitives that the copylocks analyzer does not see.
package copyprim

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/interleave-go/interleave/analyzers/internal/ignore"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// Doc is the analyzer's documentation.
const Doc = `report copies of primitives that copylocks does not see

copylocks (go vet) reports copies of values that contain a lock: a type
whose pointer has Lock and Unlock methods. Semaphores, events, barriers,
queues and condition variables built on channels or atomics have no
such method, and copying one silently splits its state: waiters on the
copy are never woken by the original. The copyprim analyzer reports
copies (assignment, declaration, composite literal, call argument,
parameter, receiver, return and range variable) of a struct that is,
or contains by value, such a primitive: a type of package
github.com/interleave-go/interleave/primitives, or any struct whose
pointer (but not value) has Acquire and Release methods, or Wait and
one of Set, Signal, Broadcast, Notify, NotifyAll or Done. Types that
copylocks already reports are left to it.`

// Analyzer reports copied primitives.
var Analyzer = &analysis.Analyzer{
	Name:     "copyprim",
	Doc:      Doc,
	URL:      "https://github.com/interleave-go/interleave#copyprim",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	rep := ignore.New(pass)
	c := &checker{pass: pass, rep: rep, memo: make(map[types.Type]string)}
	filter := []ast.Node{
		(*ast.AssignStmt)(nil), (*ast.CallExpr)(nil), (*ast.CompositeLit)(nil),
		(*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.GenDecl)(nil),
		(*ast.RangeStmt)(nil), (*ast.ReturnStmt)(nil),
	}
	insp.Preorder(filter, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, x := range n.Rhs {
				if i < len(n.Lhs) && !isBlank(n.Lhs[i]) {
					c.value(x, "assignment copies %s to "+c.format(n.Lhs[i]))
				}
			}
		case *ast.GenDecl:
			if n.Tok != token.VAR {
				return
			}
			for _, spec := range n.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, x := range vs.Values {
					if i < len(vs.Names) {
						c.value(x, "variable declaration copies %s to "+vs.Names[i].Name)
					}
				}
			}
		case *ast.CompositeLit:
			for _, x := range n.Elts {
				if kv, ok := x.(*ast.KeyValueExpr); ok {
					x = kv.Value
				}
				c.value(x, "literal copies %s")
			}
		case *ast.ReturnStmt:
			for _, x := range n.Results {
				c.value(x, "return copies %s")
			}
		case *ast.CallExpr:
			if tv, ok := pass.TypesInfo.Types[n.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
				return // a conversion, or len, cap, new, ...
			}
			for _, x := range n.Args {
				c.value(x, "call of "+c.format(n.Fun)+" copies %s")
			}
		case *ast.FuncDecl:
			if n.Recv != nil {
				c.fields(n.Recv, n.Name.Name+" passes %s by value")
			}
			c.fields(n.Type.Params, n.Name.Name+" passes %s by value")
		case *ast.FuncLit:
			c.fields(n.Type.Params, "func passes %s by value")
		case *ast.RangeStmt:
			for _, x := range []ast.Expr{n.Key, n.Value} {
				if id, ok := x.(*ast.Ident); ok && id.Name != "_" {
					if obj := pass.TypesInfo.ObjectOf(id); obj != nil {
						c.report(x.Pos(), obj.Type(), "range variable "+id.Name+" copies %s")
					}
				}
			}
		}
	})
	return nil, nil
}

type checker struct {
	pass *analysis.Pass
	rep  *ignore.Reporter
	memo map[types.Type]string
}

// isBlank reports whether x is _: a value discarded is no harmful copy.
func isBlank(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	return ok && id.Name == "_"
}

func (c *checker) format(x ast.Expr) string { return types.ExprString(x) }

// value reports x if evaluating it copies a primitive. Composite
// literals and calls make new values, which is not a copy.
func (c *checker) value(x ast.Expr, format string) {
	x = ast.Unparen(x)
	switch x := x.(type) {
	case *ast.CompositeLit, *ast.CallExpr, *ast.FuncLit:
		return
	case *ast.StarExpr:
		if _, ok := ast.Unparen(x.X).(*ast.CallExpr); ok {
			return
		}
	}
	tv, ok := c.pass.TypesInfo.Types[x]
	if !ok || !tv.IsValue() || tv.IsNil() {
		return
	}
	c.report(x.Pos(), tv.Type, format)
}

func (c *checker) fields(fl *ast.FieldList, format string) {
	if fl == nil {
		return
	}
	for _, f := range fl.List {
		if tv, ok := c.pass.TypesInfo.Types[f.Type]; ok {
			c.report(f.Type.Pos(), tv.Type, format)
		}
	}
}

func (c *checker) report(pos token.Pos, t types.Type, format string) {
	path := c.primPath(t, nil)
	if path == "" {
		return
	}
	what := fmt.Sprintf(format, "primitive value "+path)
	c.rep.Report(analysis.Diagnostic{Pos: pos, Message: what + ": the copy does not share the original's state, so its waiters are never woken"})
}

// primPath returns "T contains U contains primitives.Event" when t is
// or contains by value a primitive that copylocks does not report, or "".
func (c *checker) primPath(t types.Type, seen map[types.Type]bool) string {
	if p, ok := c.memo[t]; ok {
		return p
	}
	if seen[t] {
		return ""
	}
	if seen == nil {
		seen = make(map[types.Type]bool)
	}
	seen[t] = true
	path := ""
	if isPrimitive(t) {
		if !lockerInside(t, nil) {
			path = typeName(t)
		}
	} else {
		switch u := t.Underlying().(type) {
		case *types.Array:
			path = c.primPath(u.Elem(), seen)
		case *types.Struct:
			for f := range u.Fields() {
				if p := c.primPath(f.Type(), seen); p != "" {
					path = p
					if _, anon := t.(*types.Struct); !anon {
						path = typeName(t) + " contains " + p
					}
					break
				}
			}
			if path != "" && lockerInside(t, nil) {
				path = "" // copylocks reports it
			}
		}
	}
	c.memo[t] = path
	return path
}

func typeName(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

// isPrimitive reports whether t is a struct type recognised as a
// synchronization primitive.
func isPrimitive(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	if _, ok := n.Underlying().(*types.Struct); !ok {
		return false
	}
	obj := n.Origin().Obj()
	if obj.Pkg() != nil {
		switch obj.Pkg().Path() {
		case syncapi.PrimitivesPath:
			return obj.Exported()
		case syncapi.SemaphorePath:
			return obj.Name() == "Weighted"
		}
	}
	has := func(name string) bool {
		ptr, _, _ := types.LookupFieldOrMethod(types.NewPointer(n), false, nil, name)
		val, _, _ := types.LookupFieldOrMethod(n, false, nil, name)
		_, isFunc := ptr.(*types.Func)
		return isFunc && val == nil
	}
	if has("Acquire") && has("Release") {
		return true
	}
	if has("Wait") {
		for _, m := range []string{"Set", "Signal", "Broadcast", "Notify", "NotifyAll", "Done"} {
			if has(m) {
				return true
			}
		}
	}
	return false
}

// lockerInside reports whether copylocks reports copies of t: t is or
// contains by value a type whose pointer, but not value, has Lock and
// Unlock methods (sync.Mutex, sync.noCopy, the atomic types).
func lockerInside(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	if seen == nil {
		seen = make(map[types.Type]bool)
	}
	seen[t] = true
	switch u := t.Underlying().(type) {
	case *types.Array:
		return lockerInside(u.Elem(), seen)
	case *types.Struct:
		if isLocker(t) {
			return true
		}
		for f := range u.Fields() {
			if lockerInside(f.Type(), seen) {
				return true
			}
		}
	}
	return false
}

func isLocker(t types.Type) bool {
	ms := types.NewMethodSet(types.NewPointer(t))
	vs := types.NewMethodSet(t)
	has := func(s *types.MethodSet, name string) bool { return s.Lookup(nil, name) != nil }
	if strings.HasSuffix(t.String(), "sync.noCopy") {
		return true
	}
	return has(ms, "Lock") && has(ms, "Unlock") && !has(vs, "Lock")
}
