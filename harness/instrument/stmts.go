package instrument

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// goStmt rewrites go f(a, b) into rt.Go with the function value and the
// arguments evaluated in the calling goroutine first, as the go statement
// evaluates them:
//
//	func() { f, a0, a1 := f, a, b; rt.Go(func() { f(a0, a1) }) }()
func (r *fileRewriter) goStmt(g *ast.GoStmt) {
	form := r.forms[g.Call]
	var text string
	if lit, ok := ast.Unparen(g.Call.Fun).(*ast.FuncLit); ok && len(g.Call.Args) == 0 {
		text = r.rt("Go") + "(" + r.node(lit) + ")"
	} else {
		var names, values []string
		fun := form.fun
		if !form.named {
			fun = r.temp("f")
			names, values = append(names, fun), append(values, r.directive(g.Call.Fun.Pos())+form.fun)
		}
		args := make([]string, len(form.args))
		for i, a := range form.args {
			if form.untyped[i] {
				args[i] = a // an untyped constant takes its type from the call
				continue
			}
			args[i] = r.temp("a")
			names, values = append(names, args[i]), append(values, a)
		}
		call := (&callForm{fun: fun, args: args, ellipsis: form.ellipsis}).text()
		bind := ""
		if len(names) > 0 {
			bind = strings.Join(names, ", ") + " := " + strings.Join(values, ", ") + "; "
		}
		text = "func() { " + bind + r.rt("Go") + "(func() { " + call + " }) }()"
	}
	r.replace(r.off(g.Pos()), r.off(g.End()), text)
}

// rangeChan rewrites a for range loop over a channel into a three-clause
// loop over rt.Recv2, which keeps break, continue, labels and the
// language version's loop variable semantics:
//
//	for c, v, ok := rt.RangeInit(ch); ok; v, ok = rt.Recv2(c) { ... }
func (r *fileRewriter) rangeChan(s *ast.RangeStmt) {
	c, ok := r.temp("c"), r.temp("ok")
	key := "_"
	assign := ""
	if s.Key != nil && !isBlank(s.Key) {
		if s.Tok == token.DEFINE {
			key = r.node(s.Key)
		} else {
			key = r.temp("v")
			assign = r.node(s.Key) + " = " + key + "; "
		}
	}
	head := fmt.Sprintf("for %s, %s, %s := %s(%s); %s; %s, %s = %s(%s) ",
		c, key, ok, r.rt("RangeInit"), r.moved(s.X), ok, key, ok, r.rt("Recv2"), c)
	r.replace(r.off(s.For), r.off(s.Body.Lbrace), head)
	if assign != "" {
		r.insert(r.off(s.Body.Lbrace)+1, " "+assign)
	}
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// selectStmt rewrites a select statement. The channels and sent values
// are evaluated once, in source order; a controlled goroutine then asks
// rt.Select which case to take, any other runs the original select on the
// evaluated operands; the cases' bodies run in a switch on the result:
//
//	switch { default:
//		c0 := a; c1, v1 := b, x; r0 := rt.Zero(c0); var i int
//		if rt.Controlled() { i = rt.Select(false, rt.RecvCase(c0, &r0, nil), rt.Sender(c1).Case(v1)) } else {
//			select { case r0 = <-c0: i = 0; case c1 <- v1: i = 1 } }
//		switch i {
//		case 0: v := r0; ...
//		case 1: ...
//		}}
//
// The outer switch carries the select's label, so break and goto to it
// still work.
func (r *fileRewriter) selectStmt(s *ast.SelectStmt) {
	n := r.temp("i")
	var hoist, rtCases, native, ctlDecl, ctlBack strings.Builder
	hasDefault := false
	heads := make([]string, len(s.Body.List))
	for i, st := range s.Body.List {
		cc := st.(*ast.CommClause)
		if cc.Comm == nil {
			hasDefault = true
			native.WriteString("default: " + n + " = -1; ")
			heads[i] = "default:"
			continue
		}
		if send, ok := cc.Comm.(*ast.SendStmt); ok {
			c, v := r.temp("c"), r.temp("v")
			val := r.moved(send.Value)
			vRef := v
			if r.untyped(send.Value) {
				vRef = r.node(send.Value)
				fmt.Fprintf(&hoist, "%s := %s; ", c, r.moved(send.Chan))
			} else {
				fmt.Fprintf(&hoist, "%s, %s := %s, %s; ", c, v, r.moved(send.Chan), val)
			}
			addCase(&rtCases, r.rt("Sender")+"("+c+").Case("+vRef+")")
			fmt.Fprintf(&native, "case %s <- %s: %s = %d; ", c, vRef, n, i)
			heads[i] = fmt.Sprintf("case %d:", i)
			continue
		}
		// A receive: <-c, v := <-c, v, ok := <-c, x, y = <-c.
		var lhs []ast.Expr
		var recv *ast.UnaryExpr
		define := false
		switch comm := cc.Comm.(type) {
		case *ast.ExprStmt:
			recv, _ = ast.Unparen(comm.X).(*ast.UnaryExpr)
		case *ast.AssignStmt:
			recv, _ = ast.Unparen(comm.Rhs[0]).(*ast.UnaryExpr)
			lhs, define = comm.Lhs, comm.Tok == token.DEFINE
		}
		if recv == nil {
			r.errorf(cc.Pos(), "select case the instrumentation does not understand")
			return
		}
		c := r.temp("c")
		fmt.Fprintf(&hoist, "%s := %s; ", c, r.moved(recv.X))
		// The controlled path receives into variables of its own, whose
		// addresses it takes: taking the addresses of the shared ones
		// would move them to the heap on the path that is not explored.
		vPtr, okPtr, vName, okName := "nil", "nil", "", ""
		if len(lhs) >= 1 && !isBlank(lhs[0]) {
			vName = r.temp("r")
			fmt.Fprintf(&hoist, "%s := %s(%s); ", vName, r.rt("Zero"), c)
			q := r.temp("q")
			fmt.Fprintf(&ctlDecl, "%s := %s; ", q, vName)
			fmt.Fprintf(&ctlBack, "%s = %s; ", vName, q)
			vPtr = "&" + q
		}
		if len(lhs) == 2 && !isBlank(lhs[1]) {
			okName = r.temp("ok")
			fmt.Fprintf(&hoist, "var %s bool; ", okName)
			q := r.temp("q")
			fmt.Fprintf(&ctlDecl, "var %s bool; ", q)
			fmt.Fprintf(&ctlBack, "%s = %s; ", okName, q)
			okPtr = "&" + q
		}
		addCase(&rtCases, fmt.Sprintf("%s(%s, %s, %s)", r.rt("RecvCase"), c, vPtr, okPtr))
		switch {
		case vName != "" && okName != "":
			fmt.Fprintf(&native, "case %s, %s = <-%s: %s = %d; ", vName, okName, c, n, i)
		case vName != "":
			fmt.Fprintf(&native, "case %s = <-%s: %s = %d; ", vName, c, n, i)
		case okName != "":
			fmt.Fprintf(&native, "case _, %s = <-%s: %s = %d; ", okName, c, n, i)
		default:
			fmt.Fprintf(&native, "case <-%s: %s = %d; ", c, n, i)
		}
		// The case's own assignment happens once the case is chosen.
		var names, values []string
		if vName != "" {
			names, values = append(names, r.node(lhs[0])), append(values, vName)
		}
		if okName != "" {
			names, values = append(names, r.node(lhs[1])), append(values, okName)
		}
		head := fmt.Sprintf("case %d:", i)
		if len(names) > 0 {
			op := " = "
			if define {
				op = " := "
			}
			head += " " + strings.Join(names, ", ") + op + strings.Join(values, ", ") + ";"
		}
		heads[i] = head
	}
	cases := strings.TrimSuffix(rtCases.String(), ", ")
	if cases != "" {
		cases = ", " + cases
	}
	head := fmt.Sprintf("switch { default: %svar %s int; if %s() { %s%s = %s(%v%s); %s} else { select { %s} }; switch %s {",
		hoist.String(), n, r.rt("Controlled"), ctlDecl.String(), n, r.rt("Select"), hasDefault, cases, ctlBack.String(), native.String(), n)
	if len(s.Body.List) == 0 {
		// select {} blocks for ever, and is a terminating statement: so
		// must its rewrite be.
		r.replace(r.off(s.Pos()), r.off(s.End()),
			fmt.Sprintf("if %s() { for { %s(false) } } else { select {} }", r.rt("Controlled"), r.rt("Select")))
		return
	}
	if !hasDefault {
		// The last case is the switch's default, so that a select whose
		// cases all return still ends its function (a switch terminates
		// only with a default case).
		last := len(heads) - 1
		heads[last] = "default:" + strings.TrimPrefix(heads[last], fmt.Sprintf("case %d:", last))
	}
	r.replace(r.off(s.Select), r.off(s.Body.Lbrace)+1, head)
	for i, st := range s.Body.List {
		cc := st.(*ast.CommClause)
		r.replace(r.off(cc.Case), r.off(cc.Colon)+1, heads[i])
	}
	r.replace(r.off(s.Body.Rbrace), r.off(s.Body.Rbrace)+1, "}}")
}

func addCase(b *strings.Builder, c string) { b.WriteString(c + ", ") }

// wrapTest makes a test function explore its body: the body of
//
//	func TestX(t *testing.T) { ... }
//
// runs as harness.ExploreTest(t, func(t *testing.T) { ... }). A test that
// starts with t.Parallel keeps it outside; a test that runs subtests with
// t.Run is left alone and its subtests are explored instead (see call);
// a test that calls harness.Explore itself keeps its own exploration.
func (r *fileRewriter) wrapTest(fd *ast.FuncDecl) {
	param, ok := testParam(fd, r.info)
	if !ok || fd.Body == nil || r.callsRunOrExplore(fd.Body) {
		return
	}
	typ := r.node(param.Type)
	name := "t"
	if len(param.Names) == 1 && param.Names[0].Name != "_" {
		name = param.Names[0].Name
	} else {
		name = "_il_t"
		if len(param.Names) == 1 {
			r.replace(r.off(param.Names[0].Pos()), r.off(param.Names[0].End()), name)
		} else {
			r.insert(r.off(param.Type.Pos()), name+" ")
		}
	}
	start, sep := r.off(fd.Body.Lbrace)+1, " "
	if len(fd.Body.List) > 0 && isParallelCall(fd.Body.List[0], r.info) {
		start, sep = r.off(fd.Body.List[0].End()), "; "
	}
	r.usesH = true
	// The closing text first: an empty body gets both at one place, and
	// insertions at one place go in reverse order.
	r.insert(r.off(fd.Body.Rbrace), "})")
	r.insert(start, fmt.Sprintf("%s%s.ExploreTest(%s, func(%s %s) {", sep, harnessName, name, name, typ))
}

// testParam returns the parameter of a test function: func TestXxx(t
// *testing.T) with no results and no type parameters.
func testParam(fd *ast.FuncDecl, info *types.Info) (*ast.Field, bool) {
	if fd.Recv != nil || fd.Type.TypeParams != nil || fd.Type.Results != nil || !isTestName(fd.Name.Name) {
		return nil, false
	}
	if len(fd.Type.Params.List) != 1 {
		return nil, false
	}
	p := fd.Type.Params.List[0]
	if len(p.Names) > 1 || !isTestingT(info.TypeOf(p.Type)) {
		return nil, false
	}
	return p, true
}

func isTestName(name string) bool {
	if !strings.HasPrefix(name, "Test") {
		return false
	}
	if len(name) == 4 {
		return true
	}
	c := name[4]
	return !(c >= 'a' && c <= 'z')
}

func isTestingT(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "testing" && n.Obj().Name() == "T"
}

func isParallelCall(s ast.Stmt, info *types.Info) bool {
	es, ok := s.(*ast.ExprStmt)
	if !ok {
		return false
	}
	c, ok := es.X.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Parallel" && isTestingT(info.TypeOf(sel.X))
}

// callsRunOrExplore reports whether body calls (*testing.T).Run or
// harness.Explore itself.
func (r *fileRewriter) callsRunOrExplore(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && (r.isRunCall(c) || r.isExploreCall(c)) {
			found = true
		}
		return !found
	})
	return found
}

func (r *fileRewriter) isRunCall(c *ast.CallExpr) bool {
	sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Run" && len(c.Args) == 2 && isTestingT(r.info.TypeOf(sel.X))
}

func (r *fileRewriter) isExploreCall(c *ast.CallExpr) bool {
	var id *ast.Ident
	switch f := ast.Unparen(c.Fun).(type) {
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.Ident:
		id = f
	default:
		return false
	}
	obj, ok := r.info.Uses[id].(*types.Func)
	return ok && obj.Pkg() != nil && obj.Pkg().Path() == harnessPath && strings.HasPrefix(obj.Name(), "Explore")
}

// isTestingRun reports whether c is t.Run(name, f) in a test file whose
// tests are explored, with an f that does not itself run subtests.
func (r *fileRewriter) isTestingRun(c *ast.CallExpr) bool {
	if !r.wrap || !r.isRunCall(c) {
		return false
	}
	if lit, ok := ast.Unparen(c.Args[1]).(*ast.FuncLit); ok && r.callsRunOrExplore(lit.Body) {
		return false
	}
	return true
}
