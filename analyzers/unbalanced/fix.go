package unbalanced

import (
	"bytes"
	"go/ast"
	"go/token"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// stmtAt places a call statement in its statement list.
type stmtAt struct {
	stmt *ast.ExprStmt
	list []ast.Stmt
	i    int
}

// deferFix returns a fix that replaces the explicit releases of a lock
// by one deferred release right after the acquire. It offers one only
// where that cannot change which code runs under the lock, beyond the
// evaluation of return values:
//   - the acquire is a blocking sync lock call, a statement at the top
//     level of the function body, and the only acquire of that lock in
//     the function;
//   - every release is a statement of its own line followed by a return
//     statement or ending the function body.
func deferFix(pass *analysis.Pass, f *lockflow.Func, acq *syncapi.Op, k syncapi.Key) *analysis.SuggestedFix {
	if acq.Family != syncapi.Mutex || acq.Outcome != syncapi.Always || acq.Instr == nil || acq.Helper != nil {
		return nil
	}
	var body *ast.BlockStmt
	switch syn := f.Fn.Syntax().(type) {
	case *ast.FuncDecl:
		body = syn.Body
	case *ast.FuncLit:
		body = syn.Body
	}
	if body == nil {
		return nil
	}
	stmts := callStmts(body)
	at, ok := stmts[acq.Pos()]
	if !ok || len(at.list) != len(body.List) || &at.list[0] != &body.List[0] {
		return nil
	}
	var releases []stmtAt
	for in, op := range f.Ops {
		ok := false
		if ok2, same := sameKey(op, k); !ok2 || !same {
			continue
		}
		switch {
		case op == acq:
			continue
		case op.Kind == syncapi.Acquire:
			return nil
		case op.Read != acq.Read:
			return nil
		}
		if _, isDefer := in.(*ssa.Defer); isDefer {
			return nil
		}
		r, found := stmts[op.Pos()]
		if found {
			last := r.i == len(r.list)-1 && len(r.list) == len(body.List) && &r.list[0] == &body.List[0]
			_, ret := nextStmt(r).(*ast.ReturnStmt)
			ok = last || ret
		}
		if !ok {
			return nil
		}
		releases = append(releases, r)
	}
	if len(releases) == 0 {
		return nil
	}
	tf := pass.Fset.File(acq.Pos())
	src, err := pass.ReadFile(tf.Name())
	if err != nil {
		return nil
	}
	sel, ok := at.stmt.X.(*ast.CallExpr).Fun.(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	recv := src[tf.Offset(sel.X.Pos()):tf.Offset(sel.X.End())]
	method := "Unlock"
	if acq.Read {
		method = "RUnlock"
	}
	l := tf.Line(at.stmt.Pos())
	if l >= tf.LineCount() {
		return nil
	}
	start, eol := tf.LineStart(l), tf.LineStart(l+1)-1 // eol: the newline, after any comment
	indent := src[tf.Offset(start):tf.Offset(at.stmt.Pos())]
	edits := []analysis.TextEdit{{
		Pos:     eol,
		End:     eol,
		NewText: []byte("\n" + string(indent) + "defer " + string(recv) + "." + method + "()"),
	}}
	for _, r := range releases {
		l := tf.Line(r.stmt.Pos())
		if tf.Line(r.stmt.End()) != l || l >= tf.LineCount() {
			return nil
		}
		from, to := tf.LineStart(l), tf.LineStart(l+1)
		if len(bytes.TrimSpace(src[tf.Offset(from):tf.Offset(to)])) != int(r.stmt.End()-r.stmt.Pos()) {
			return nil // something else shares the line
		}
		edits = append(edits, analysis.TextEdit{Pos: from, End: to})
	}
	return &analysis.SuggestedFix{Message: "defer the release after the acquire", TextEdits: edits}
}

func sameKey(op *syncapi.Op, k syncapi.Key) (ok, same bool) {
	key, ok := syncapi.KeyOf(op.Recv, nil)
	return ok, key.String() == k.String()
}

func nextStmt(s stmtAt) ast.Stmt {
	if s.i+1 < len(s.list) {
		return s.list[s.i+1]
	}
	return nil
}

// callStmts maps the Lparen of each call statement in body, outside
// nested function literals, to its place.
func callStmts(body *ast.BlockStmt) map[token.Pos]stmtAt {
	m := make(map[token.Pos]stmtAt)
	addList := func(list []ast.Stmt) {
		for i, s := range list {
			if es, ok := s.(*ast.ExprStmt); ok {
				if call, ok := es.X.(*ast.CallExpr); ok {
					m[call.Lparen] = stmtAt{es, list, i}
				}
			}
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BlockStmt:
			addList(n.List)
		case *ast.CaseClause:
			addList(n.Body)
		case *ast.CommClause:
			addList(n.Body)
		}
		return true
	})
	return m
}
