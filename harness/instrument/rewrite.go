package instrument

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"strings"
)

// fileRewriter rewrites the synchronizing operations of one file into
// calls of the runtime ABI (package rt).
type fileRewriter struct {
	editor
	fset     *token.FileSet
	file     *ast.File
	info     *types.Info
	wrap     bool // a test file of a package under test: explore its tests
	usesRT   bool
	usesH    bool
	tmp      int
	errs     []error
	commaOK  map[*ast.UnaryExpr]ast.Expr // receive -> the expression to replace
	owned    map[ast.Node]bool           // operations a select statement handles
	called   map[ast.Expr]bool           // function expressions of calls
	inGo     map[*ast.CallExpr]bool      // the calls of go statements
	forms    map[*ast.CallExpr]*callForm
	explorer map[*ast.FuncLit]bool // function literals passed to harness.Explore
}

// callForm is a call broken into the texts of its function and arguments,
// after rewriting, so that a go statement can evaluate them first.
type callForm struct {
	fun      string
	args     []string
	untyped  []bool // the argument is an untyped constant or nil: used in place
	ellipsis bool
	named    bool // fun names a function: it need not be evaluated first
}

func (r *fileRewriter) errorf(p token.Pos, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: %s", r.fset.Position(p), fmt.Sprintf(format, args...)))
}

func (r *fileRewriter) rt(name string) string {
	r.usesRT = true
	return rtName + "." + name
}

func (r *fileRewriter) temp(kind string) string {
	r.tmp++
	return fmt.Sprintf("_il_%s%d", kind, r.tmp)
}

func (r *fileRewriter) typeOf(e ast.Expr) types.Type {
	if tv, ok := r.info.Types[e]; ok {
		return tv.Type
	}
	return nil
}

// untyped reports whether e is a constant or nil. It stays where it is
// rather than being evaluated into a variable first: it has no side
// effects, and an untyped one takes its type from where it is used.
func (r *fileRewriter) untyped(e ast.Expr) bool {
	tv, ok := r.info.Types[e]
	return ok && (tv.Value != nil || tv.IsNil())
}

// run rewrites the file.
func (r *fileRewriter) run() {
	r.prepass()
	var stack []ast.Node
	ast.Inspect(r.file, func(n ast.Node) bool {
		if n == nil {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			r.visit(top)
			return false
		}
		stack = append(stack, n)
		return true
	})
}

// prepass marks what depends on a node's context: receives whose ok is
// used, operations owned by select statements, calls and their functions.
func (r *fileRewriter) prepass() {
	r.commaOK = make(map[*ast.UnaryExpr]ast.Expr)
	r.owned = make(map[ast.Node]bool)
	r.called = make(map[ast.Expr]bool)
	r.inGo = make(map[*ast.CallExpr]bool)
	r.forms = make(map[*ast.CallExpr]*callForm)
	r.explorer = make(map[*ast.FuncLit]bool)
	markOK := func(rhs ast.Expr) {
		if u, ok := ast.Unparen(rhs).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			r.commaOK[u] = rhs
		}
	}
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 2 && len(n.Rhs) == 1 {
				markOK(n.Rhs[0])
			}
		case *ast.ValueSpec:
			if len(n.Names) == 2 && len(n.Values) == 1 {
				markOK(n.Values[0])
			}
		case *ast.CommClause:
			switch c := n.Comm.(type) {
			case *ast.SendStmt:
				r.owned[c] = true
			case *ast.ExprStmt:
				r.owned[ast.Unparen(c.X)] = true
			case *ast.AssignStmt:
				r.owned[ast.Unparen(c.Rhs[0])] = true
			}
		case *ast.CallExpr:
			r.called[ast.Unparen(n.Fun)] = true
		case *ast.GoStmt:
			r.inGo[n.Call] = true
		}
		return true
	})
}

func (r *fileRewriter) visit(n ast.Node) {
	switch n := n.(type) {
	case *ast.UnaryExpr:
		if n.Op == token.ARROW && !r.owned[n] {
			r.receive(n)
		}
	case *ast.SendStmt:
		if !r.owned[n] {
			r.replace(r.off(n.Pos()), r.off(n.End()),
				r.rt("Sender")+"("+r.node(n.Chan)+").Send("+r.node(n.Value)+")")
		}
	case *ast.CallExpr:
		r.call(n)
	case *ast.SelectorExpr:
		if !r.called[n] {
			r.funcValue(n)
		}
	case *ast.GoStmt:
		r.goStmt(n)
	case *ast.RangeStmt:
		if isChan(r.typeOf(n.X)) {
			r.rangeChan(n)
		}
	case *ast.SelectStmt:
		r.selectStmt(n)
	case *ast.FuncDecl:
		if r.wrap {
			r.wrapTest(n)
		}
	}
}

func (r *fileRewriter) receive(u *ast.UnaryExpr) {
	if outer, ok := r.commaOK[u]; ok {
		r.replace(r.off(outer.Pos()), r.off(outer.End()), r.rt("Recv2")+"("+r.node(u.X)+")")
		return
	}
	r.replace(r.off(u.Pos()), r.off(u.End()), r.rt("Recv")+"("+r.node(u.X)+")")
}

// coreType returns the underlying type of t, or for a type parameter the
// underlying type all its types share (nil if they differ).
func coreType(t types.Type) types.Type {
	tp, ok := t.(*types.TypeParam)
	if !ok {
		if t == nil {
			return nil
		}
		return t.Underlying()
	}
	iface, ok := tp.Constraint().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var core types.Type
	for i := 0; i < iface.NumEmbeddeds(); i++ {
		var terms []*types.Term
		switch e := iface.EmbeddedType(i).(type) {
		case *types.Union:
			for j := 0; j < e.Len(); j++ {
				terms = append(terms, e.Term(j))
			}
		default:
			terms = append(terms, types.NewTerm(false, e))
		}
		for _, term := range terms {
			u := term.Type().Underlying()
			if _, isIface := u.(*types.Interface); isIface {
				continue
			}
			if core == nil {
				core = u
			} else if !types.Identical(core, u) {
				return nil
			}
		}
	}
	return core
}

func isChan(t types.Type) bool {
	_, ok := coreType(t).(*types.Chan)
	return ok
}

// call rewrites a call of an operation of package sync, sync/atomic or
// runtime, a method reached through an interface, or a builtin on a
// channel, and records the call's form for an enclosing go statement.
func (r *fileRewriter) call(c *ast.CallExpr) {
	form := &callForm{ellipsis: c.Ellipsis.IsValid()}
	explored := "Explored"
	if r.isTestingRun(c) {
		if lit, ok := ast.Unparen(c.Args[1]).(*ast.FuncLit); ok && len(lit.Body.List) > 0 && isParallelCall(lit.Body.List[0], r.info) {
			// t.Parallel in the explored body would wait, inside a run,
			// for the parent test to return: it moves out of the body.
			p := lit.Body.List[0]
			r.replace(r.off(p.Pos()), r.off(p.End()), "")
			explored = "ExploredParallel"
		}
	}
	for _, a := range c.Args {
		form.args = append(form.args, r.node(a))
		form.untyped = append(form.untyped, r.untyped(a))
	}
	r.quietArgs(c, form)
	fun := ast.Unparen(c.Fun)
	rewritten := false
	switch f := fun.(type) {
	case *ast.Ident:
		if b, ok := r.info.Uses[f].(*types.Builtin); ok {
			form.named = true
			form.fun = f.Name
			if name := r.builtin(b.Name(), c); name != "" {
				form.fun, rewritten = name, true
			}
		} else if _, ok := r.info.Uses[f].(*types.Func); ok {
			form.named = true
			form.fun = r.node(c.Fun)
		} else {
			form.fun = r.node(c.Fun)
		}
	case *ast.SelectorExpr:
		if sel, ok := r.info.Selections[f]; ok && sel.Kind() == types.MethodVal && r.wrap && isTestReport(sel.Obj()) {
			// t.Errorf(...) in an explored test: the harness keeps the
			// message for the report, then makes the call.
			form.fun, form.named, rewritten = harnessName+".Test"+f.Sel.Name, true, true
			form.args = append([]string{r.node(f.X)}, form.args...)
			form.untyped = append([]bool{false}, form.untyped...)
			r.usesH = true
			break
		}
		if sel, ok := r.info.Selections[f]; ok && sel.Kind() == types.MethodVal {
			if name, recv, ok := r.method(f, sel); ok {
				form.fun, form.named, rewritten = name, true, true
				form.args = append([]string{recv}, form.args...)
				form.untyped = append([]bool{false}, form.untyped...)
				break
			}
		} else if obj, ok := r.info.Uses[f.Sel].(*types.Func); ok && obj.Pkg() != nil {
			form.named = true
			if name, ok := packageFunc(obj.Pkg().Path(), obj.Name()); ok && isPackageFunc(obj) {
				r.usesRT = true
				form.fun, rewritten = name, true
				break
			}
		}
		form.fun = r.node(c.Fun)
	case *ast.IndexExpr, *ast.IndexListExpr:
		form.named = true // an instantiated generic function
		form.fun = r.node(c.Fun)
	default:
		form.fun = r.node(c.Fun)
	}
	if !rewritten && r.isTestingRun(c) {
		// t.Run(name, f) in an explored test: explore the subtest instead,
		// through harness.TestRun, which knows whether it is called from
		// inside a run (a helper that runs subtests, called by the body).
		if sel, ok := fun.(*ast.SelectorExpr); ok {
			form.args[1] = harnessName + "." + explored + "(" + form.args[1] + ")"
			form.fun = harnessName + ".TestRun"
			form.args = append([]string{r.node(sel.X)}, form.args...)
			form.untyped = append([]bool{false}, form.untyped...)
			r.usesH = true
			rewritten = true
		}
	}
	r.forms[c] = form
	if rewritten && !r.inGo[c] {
		r.replace(r.off(c.Pos()), r.off(c.End()), form.text())
	}
}

func isPackageFunc(f *types.Func) bool {
	sig, ok := f.Type().(*types.Signature)
	return ok && sig.Recv() == nil
}

// text renders a call from its form.
func (f *callForm) text() string {
	s := f.fun + "(" + strings.Join(f.args, ", ")
	if f.ellipsis {
		s += "..."
	}
	return s + ")"
}

// builtin returns the runtime ABI function that replaces a builtin call on
// a channel, and "" for the others.
func (r *fileRewriter) builtin(name string, c *ast.CallExpr) string {
	switch name {
	case "close":
		return r.rt("Close")
	case "len", "cap":
		if len(c.Args) == 1 && isChan(r.typeOf(c.Args[0])) {
			if name == "len" {
				return r.rt("Len")
			}
			return r.rt("Cap")
		}
	case "make":
		if len(c.Args) >= 1 && isChan(r.typeOf(c.Args[0])) {
			// make(chan T, n) becomes rt.MakeChan(make(chan T, n)): the
			// call itself is kept and wrapped.
			r.replace(r.off(c.Pos()), r.off(c.End()), r.rt("MakeChan")+"("+r.node(c)+")")
		}
	}
	return ""
}

// method returns the runtime ABI function and the receiver argument that
// replace the call of the method sel selects, if it is one the harness
// schedules.
func (r *fileRewriter) method(f *ast.SelectorExpr, sel *types.Selection) (string, string, bool) {
	fn, ok := sel.Obj().(*types.Func)
	if !ok || fn.Pkg() == nil {
		return "", "", false
	}
	recvType := fn.Type().(*types.Signature).Recv().Type()
	if p, ok := recvType.(*types.Pointer); ok {
		recvType = p.Elem()
	}
	named, _ := recvType.(*types.Named)
	if named != nil && named.Obj().Pkg() != nil {
		key := named.Obj().Pkg().Path() + "." + named.Obj().Name() + "." + fn.Name()
		if name, ok := methods[key]; ok {
			return r.rt(name), r.receiverArg(f, sel), true
		}
	}
	// A method of an interface (or of a type parameter's constraint) that
	// a sync type has: which type it reaches is known only at run time.
	if types.IsInterface(recvType) {
		if name, ok := dynamic[fn.Name()]; ok && syncSignature(fn) {
			return r.rt(name), r.node(f.X), true
		}
	}
	return "", "", false
}

// syncSignature reports whether fn has the signature of the sync method of
// its name.
func syncSignature(fn *types.Func) bool {
	sig := fn.Type().(*types.Signature)
	if sig.Params().Len() != 0 {
		return false
	}
	if fn.Name() == "TryLock" {
		return sig.Results().Len() == 1 && types.Identical(sig.Results().At(0).Type(), types.Typ[types.Bool])
	}
	return sig.Results().Len() == 0
}

// receiverArg returns the receiver of a method call as a pointer: the
// fields that embedding selects implicitly are spelled out, and a value
// receiver has its address taken, as the call does implicitly.
func (r *fileRewriter) receiverArg(f *ast.SelectorExpr, sel *types.Selection) string {
	expr := r.node(f.X)
	t := r.typeOf(f.X)
	path := sel.Index()
	for _, i := range path[:len(path)-1] {
		st, ok := derefStruct(t)
		if !ok {
			break
		}
		field := st.Field(i)
		expr = "(" + expr + ")." + field.Name()
		t = field.Type()
	}
	if _, ok := t.Underlying().(*types.Pointer); ok {
		return expr
	}
	return "&(" + expr + ")"
}

func derefStruct(t types.Type) (*types.Struct, bool) {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	return st, ok
}

// funcValue rewrites a method value or method expression of a scheduled
// method (f := mu.Lock), and a package function used as a value
// (f := atomic.AddInt32).
func (r *fileRewriter) funcValue(f *ast.SelectorExpr) {
	sel, ok := r.info.Selections[f]
	if !ok {
		if obj, ok := r.info.Uses[f.Sel].(*types.Func); ok && obj.Pkg() != nil && isPackageFunc(obj) {
			if name, ok := packageFunc(obj.Pkg().Path(), obj.Name()); ok {
				r.usesRT = true
				r.replace(r.off(f.Pos()), r.off(f.End()), name)
			}
		}
		return
	}
	name, recv, ok := r.method(f, sel)
	if !ok {
		return
	}
	fn := sel.Obj().(*types.Func)
	switch sel.Kind() {
	case types.MethodExpr:
		if strings.Contains(name, ".Dyn") {
			r.errorf(f.Pos(), "method expression %s of an interface is not supported by the instrumentation; call the method instead", r.node(f))
			return
		}
		r.replace(r.off(f.Pos()), r.off(f.End()), name)
	case types.MethodVal:
		// A method value evaluates its receiver where it appears.
		sig := fn.Type().(*types.Signature)
		qual := func(p *types.Package) string { return p.Name() }
		params, results := sig.Params(), sig.Results()
		for _, tuple := range []*types.Tuple{params, results} {
			for i := 0; i < tuple.Len(); i++ {
				if !basicOnly(tuple.At(i).Type()) {
					r.errorf(f.Pos(), "method value %s is not supported by the instrumentation; call the method instead", r.node(f))
					return
				}
			}
		}
		sigText := strings.TrimPrefix(types.TypeString(types.NewSignatureType(nil, nil, nil, params, results, sig.Variadic()), qual), "func")
		var args []string
		for i := 0; i < params.Len(); i++ {
			args = append(args, fmt.Sprintf("_il_p%d", i))
		}
		decl := strings.TrimPrefix(types.TypeString(types.NewSignatureType(nil, nil, nil, renamed(params), results, sig.Variadic()), qual), "func")
		ret := ""
		if results.Len() > 0 {
			ret = "return "
		}
		call := name + "(" + strings.Join(append([]string{"_il_r"}, args...), ", ")
		if sig.Variadic() {
			call += "..."
		}
		call += ")"
		r.replace(r.off(f.Pos()), r.off(f.End()),
			fmt.Sprintf("func() func%s { _il_r := %s; return func%s { %s%s } }()", sigText, recv, decl, ret, call))
	}
}

// renamed returns params with the names _il_p0, _il_p1, ...
func renamed(params *types.Tuple) *types.Tuple {
	var vars []*types.Var
	for i := 0; i < params.Len(); i++ {
		vars = append(vars, types.NewParam(token.NoPos, nil, fmt.Sprintf("_il_p%d", i), params.At(i).Type()))
	}
	return types.NewTuple(vars...)
}

// basicOnly reports whether t can be written without naming a package:
// predeclared types and function, slice and map types of them.
func basicOnly(t types.Type) bool {
	switch t := t.(type) {
	case *types.Basic:
		return true
	case *types.Signature:
		for _, tuple := range []*types.Tuple{t.Params(), t.Results()} {
			for i := 0; i < tuple.Len(); i++ {
				if !basicOnly(tuple.At(i).Type()) {
					return false
				}
			}
		}
		return true
	case *types.Interface:
		return t.Empty()
	case *types.Alias:
		return t.Obj().Pkg() == nil && basicOnly(types.Unalias(t))
	}
	return false
}

// quietArgs wraps, in an explored test, each *testing.T that a call
// passes where the function takes an interface it reports through
// (testify's assert.TestingT and require.TestingT, testing.TB, goleak's
// TestingT): harness.QuietT(t) reports through the harness, as t.Errorf
// in the test's own code does, so that what a failing run reports is
// printed once, not again by every run that shrinks and replays it.
func (r *fileRewriter) quietArgs(c *ast.CallExpr, form *callForm) {
	if !r.wrap {
		return
	}
	sig, ok := r.info.TypeOf(c.Fun).(*types.Signature) // a conversion has none
	if !ok || isHarnessCall(r.info, c) {
		return
	}
	for i, a := range c.Args {
		if !isTestingT(r.info.TypeOf(a)) || !reportsThrough(paramType(sig, i, c.Ellipsis.IsValid())) {
			continue
		}
		text := harnessName + ".QuietT(" + form.args[i] + ")"
		r.replace(r.off(a.Pos()), r.off(a.End()), text)
		form.args[i] = text
		r.usesH = true
	}
}

// paramType is the type of the parameter that argument i of a call of a
// function of signature sig is passed to; nil for a slice passed with ...
func paramType(sig *types.Signature, i int, ellipsis bool) types.Type {
	n := sig.Params().Len()
	if n == 0 {
		return nil
	}
	if sig.Variadic() && i >= n-1 {
		if ellipsis {
			return nil
		}
		return sig.Params().At(n - 1).Type().(*types.Slice).Elem()
	}
	if i >= n {
		return nil
	}
	return sig.Params().At(i).Type()
}

// reportsThrough reports whether t is an interface with a method through
// which a test reports: Error, Errorf, Fatal, Fatalf, Log, Logf, Fail or
// FailNow.
func reportsThrough(t types.Type) bool {
	if t == nil {
		return false
	}
	it, ok := t.Underlying().(*types.Interface)
	if !ok {
		return false
	}
	for m := range it.Methods() {
		switch m.Name() {
		case "Error", "Errorf", "Fatal", "Fatalf", "Log", "Logf", "Fail", "FailNow":
			return true
		}
	}
	return false
}

// isHarnessCall reports whether c calls a function or method of
// interleave's own (the harness, models), which take the test's own T.
func isHarnessCall(info *types.Info, c *ast.CallExpr) bool {
	var id *ast.Ident
	switch f := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return false
	}
	obj := info.Uses[id]
	return obj != nil && obj.Pkg() != nil && strings.HasPrefix(obj.Pkg().Path(), path.Dir(harnessPath)+"/")
}

// isTestReport reports whether a method is one of testing's that the
// harness wraps in an explored test (of T, B, F or TB): Error, Errorf,
// Fatal, Fatalf, Log, Logf, Parallel, Cleanup.
func isTestReport(obj types.Object) bool {
	if obj.Pkg() == nil || obj.Pkg().Path() != "testing" {
		return false
	}
	switch obj.Name() {
	case "Error", "Errorf", "Fatal", "Fatalf", "Log", "Logf", "Parallel", "Cleanup":
		return true
	}
	return false
}
