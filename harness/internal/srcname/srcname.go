// Package srcname reads a program's source for the names its author wrote:
// the expression an operation at a line works on (from.mu in
// from.mu.Lock()), the channel of a select's case, the function a go
// statement runs. Traces use them instead of names made up by kind and
// order (sync.Mutex#1).
//
// A name must never be wrong, so a question has an answer only when the
// line holds exactly one expression that fits it, and that expression is
// simple (names, selectors, indexes, a call without arguments such as
// ctx.Done()); otherwise the answer is "" and the caller keeps its own
// name. A file changed after the program was built is not read: its lines
// may no longer be the program's.
package srcname

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// An Op says what the expression of an operation at a line looks like.
// Any of its forms may match; the line must hold exactly one match, or
// several with the same text.
type Op struct {
	// Methods: the receiver of a call of a method of one of these names
	// (mu in mu.Lock()).
	Methods []string
	// Funcs: the first argument, its & dropped, of a call of a package
	// function whose "importpath.Name" begins with one of these
	// (c.n in atomic.AddInt64(&c.n, 1), for "sync/atomic.Add").
	Funcs []string
	// Builtins: the argument of a call of one of these (ch in close(ch)).
	Builtins []string
	// Send: the channel of a send statement (ch in ch <- v).
	Send bool
	// Recv: the channel of a receive (<-ch) or of a range over it.
	Recv bool
	// Assigned: the variable that the result of a call of one of these
	// package functions, "importpath.Name", is assigned to (t in
	// t := time.NewTimer(d)).
	Assigned []string
}

// MaxLen is the longest name given: a longer expression is no name a
// trace's column can hold.
const MaxLen = 40

// A Reader reads source files, each once, and answers questions about
// their lines. Its zero value is not usable; see NewReader.
type Reader struct {
	builtAt time.Time
	files   map[string]*file
}

// NewReader returns a Reader of the source of a program built at builtAt:
// files modified later are not read. A zero builtAt reads every file.
func NewReader(builtAt time.Time) *Reader {
	return &Reader{builtAt: builtAt, files: make(map[string]*file)}
}

// Object returns the expression that the operation op at path:line works
// on, or "".
func (r *Reader) Object(path string, line int, op Op) string {
	f := r.file(path)
	if f == nil {
		return ""
	}
	var texts []string
	for _, c := range f.calls[line] {
		if t, ok := c.matches(op); ok {
			texts = append(texts, t)
		}
	}
	if op.Send {
		texts = append(texts, f.sends[line]...)
	}
	if op.Recv {
		texts = append(texts, f.recvs[line]...)
		texts = append(texts, f.ranges[line]...)
	}
	return only(texts)
}

// Case returns the channel of case i, counted from 0 with default left
// out, of the select statement one of whose case operands is at path:line,
// or "". An instrumented select stops at the line of an operand of its
// cases (the last it evaluates), which is how the line names it.
func (r *Reader) Case(path string, line, i int) string {
	f := r.file(path)
	if f == nil {
		return ""
	}
	sels := f.selects[line]
	if len(sels) != 1 || i < 0 || i >= len(sels[0]) {
		return ""
	}
	return sels[0][i]
}

// Started returns the function that a goroutine started at path:line
// runs: the function of a go statement (worker in go worker(ch), or the
// one call a function literal makes besides its deferred calls: Transfer
// in go func() { defer wg.Done(); Transfer(a, b, 1) }()), or the function
// given to a WaitGroup's Go; "" if the line starts no goroutine, or
// several.
func (r *Reader) Started(path string, line int) string {
	f := r.file(path)
	if f == nil {
		return ""
	}
	return only(f.starts[line])
}

// only returns the one text of texts, "" if there are none or several
// different ones, or the one is "" (an expression too complex to name).
func only(texts []string) string {
	if len(texts) == 0 {
		return ""
	}
	for _, t := range texts[1:] {
		if t != texts[0] {
			return ""
		}
	}
	return texts[0]
}

var majorVersion = regexp.MustCompile(`^v[0-9]+$`)

// A file is the index of a source file's lines.
type file struct {
	calls   map[int][]call
	sends   map[int][]string   // channels sent on, by line
	recvs   map[int][]string   // channels received from
	ranges  map[int][]string   // expressions ranged over
	selects map[int][][]string // the channels of a select's cases, by the lines of their operands
	starts  map[int][]string   // the functions goroutines started at a line run
}

// A call is a call expression of the form x.M(...), pkg.F(...) or
// builtin(...).
type call struct {
	method   string // x.M(...): M, with recv x
	recv     string
	fn       string // pkg.F(...): "importpath.F", with arg0 and assigned
	builtin  string // builtin(...): its name, with arg0
	arg0     string // the first argument, & dropped
	assigned string // the variable the result is assigned to, alone
}

func (c call) matches(op Op) (string, bool) {
	switch {
	case c.method != "":
		for _, m := range op.Methods {
			if m == c.method {
				return c.recv, true
			}
		}
	case c.fn != "":
		for _, p := range op.Funcs {
			if strings.HasPrefix(c.fn, p) {
				return c.arg0, true
			}
		}
		for _, a := range op.Assigned {
			if a == c.fn {
				return c.assigned, true
			}
		}
	case c.builtin != "":
		for _, b := range op.Builtins {
			if b == c.builtin {
				return c.arg0, true
			}
		}
	}
	return "", false
}

// file returns the index of path, nil if it cannot be read or parsed or
// is newer than the program.
func (r *Reader) file(path string) *file {
	if f, ok := r.files[path]; ok {
		return f
	}
	r.files[path] = nil
	fi, err := os.Stat(path)
	if err != nil || (!r.builtAt.IsZero() && fi.ModTime().After(r.builtAt)) {
		return nil
	}
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	f := index(fset, af)
	r.files[path] = f
	return f
}

// index walks a file once and indexes what the questions look for by
// line.
func index(fset *token.FileSet, af *ast.File) *file {
	f := &file{calls: map[int][]call{}, sends: map[int][]string{}, recvs: map[int][]string{},
		ranges: map[int][]string{}, selects: map[int][][]string{}, starts: map[int][]string{}}
	imports := map[string]string{} // local name -> import path
	for _, im := range af.Imports {
		path, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		// The package's name, as far as the path says: its last element,
		// or the one before a major version (math/rand/v2 is rand).
		elems := strings.Split(path, "/")
		name := elems[len(elems)-1]
		if len(elems) > 1 && majorVersion.MatchString(name) {
			name = elems[len(elems)-2]
		}
		if im.Name != nil {
			name = im.Name.Name
		}
		imports[name] = path
	}
	line := func(p token.Pos) int { return fset.Position(p).Line }
	// lines returns the lines of a node's start and of pos, once each: an
	// operation is placed at either, as the compiler places a call at its
	// parenthesis.
	lines := func(n ast.Node, pos token.Pos) []int {
		a, b := line(n.Pos()), line(pos)
		if a == b {
			return []int{a}
		}
		return []int{a, b}
	}
	assigned := map[*ast.CallExpr]string{}
	ast.Inspect(af, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
				if c, ok := n.Rhs[0].(*ast.CallExpr); ok {
					assigned[c] = text(n.Lhs[0])
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == 1 && len(n.Values) == 1 {
				if c, ok := n.Values[0].(*ast.CallExpr); ok {
					assigned[c] = n.Names[0].Name
				}
			}
		case *ast.CallExpr:
			var c call
			switch fun := ast.Unparen(n.Fun).(type) {
			case *ast.SelectorExpr:
				if id, ok := fun.X.(*ast.Ident); ok && imports[id.Name] != "" {
					c.fn = imports[id.Name] + "." + fun.Sel.Name
					c.assigned = assigned[n]
				} else {
					c.method, c.recv = fun.Sel.Name, text(fun.X)
				}
			case *ast.Ident:
				switch fun.Name {
				case "close", "len", "cap":
					c.builtin = fun.Name
				}
			}
			if c == (call{}) {
				return true
			}
			if len(n.Args) > 0 {
				a := n.Args[0]
				if u, ok := a.(*ast.UnaryExpr); ok && u.Op == token.AND {
					c.arg0 = text(u.X)
				} else if c.builtin != "" {
					c.arg0 = text(a)
				} else if t := text(a); t != "" {
					c.arg0 = "*" + t // the object a pointer points to
				}
			}
			for _, l := range lines(n, n.Lparen) {
				f.calls[l] = append(f.calls[l], c)
			}
			if c.method == "Go" && len(n.Args) == 1 {
				// A WaitGroup's (or an errgroup's) Go.
				for _, l := range lines(n, n.Lparen) {
					f.starts[l] = append(f.starts[l], funcName(n.Args[0]))
				}
			}
		case *ast.SendStmt:
			for _, l := range lines(n, n.Arrow) {
				f.sends[l] = append(f.sends[l], text(n.Chan))
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				for _, l := range lines(n, n.X.Pos()) {
					f.recvs[l] = append(f.recvs[l], text(n.X))
				}
			}
		case *ast.RangeStmt:
			l := line(n.For)
			f.ranges[l] = append(f.ranges[l], text(n.X))
		case *ast.GoStmt:
			l := line(n.Go)
			f.starts[l] = append(f.starts[l], funcName(n.Call))
		case *ast.SelectStmt:
			indexSelect(f, n, line)
		}
		return true
	})
	return f
}

// indexSelect indexes a select statement by the lines of its cases'
// operands.
func indexSelect(f *file, s *ast.SelectStmt, line func(token.Pos) int) {
	var chans []string
	opLines := map[int]bool{}
	for _, st := range s.Body.List {
		cc, ok := st.(*ast.CommClause)
		if !ok || cc.Comm == nil {
			continue // default
		}
		var ch ast.Expr
		switch c := cc.Comm.(type) {
		case *ast.SendStmt:
			ch = c.Chan
		case *ast.ExprStmt:
			ch = recvOf(c.X)
		case *ast.AssignStmt:
			if len(c.Rhs) == 1 {
				ch = recvOf(c.Rhs[0])
			}
		}
		t := ""
		if ch != nil {
			t = text(ch)
		}
		chans = append(chans, t)
		for l := line(cc.Comm.Pos()); l <= line(cc.Comm.End()); l++ {
			opLines[l] = true
		}
	}
	for l := range opLines {
		f.selects[l] = append(f.selects[l], chans)
	}
}

func recvOf(e ast.Expr) ast.Expr {
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return u.X
	}
	return nil
}

// funcName names the function a goroutine runs: a call's function, or the
// one call a function literal makes besides deferred ones.
func funcName(e ast.Expr) string {
	if c, ok := e.(*ast.CallExpr); ok {
		if len(c.Args) == 0 {
			if lit, ok := ast.Unparen(c.Fun).(*ast.FuncLit); ok {
				return bodyCall(lit)
			}
		}
		return text(c.Fun)
	}
	if lit, ok := ast.Unparen(e).(*ast.FuncLit); ok {
		return bodyCall(lit)
	}
	return text(e) // a function value: wg.Go(worker)
}

// bodyCall returns the function that a function literal's one statement
// besides deferred calls calls, "" if there is no such statement.
func bodyCall(lit *ast.FuncLit) string {
	var stmts []ast.Stmt
	for _, s := range lit.Body.List {
		switch s.(type) {
		case *ast.DeferStmt, *ast.EmptyStmt:
			continue
		}
		stmts = append(stmts, s)
	}
	if len(stmts) != 1 {
		return ""
	}
	var e ast.Expr
	switch s := stmts[0].(type) {
	case *ast.ExprStmt:
		e = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			e = s.Rhs[0]
		}
	case *ast.SendStmt:
		e = s.Value
	case *ast.ReturnStmt:
		if len(s.Results) == 1 {
			e = s.Results[0]
		}
	}
	if c, ok := e.(*ast.CallExpr); ok {
		if _, lit := ast.Unparen(c.Fun).(*ast.FuncLit); !lit {
			return text(c.Fun)
		}
	}
	return ""
}

// text returns the source text of a simple expression, "" for any other
// or one longer than MaxLen.
func text(e ast.Expr) string {
	var b strings.Builder
	if !write(&b, e) || b.Len() > MaxLen {
		return ""
	}
	return b.String()
}

func write(b *strings.Builder, e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		if e.Name == "_" {
			return false
		}
		b.WriteString(e.Name)
		return true
	case *ast.SelectorExpr:
		if !write(b, e.X) {
			return false
		}
		b.WriteString(".")
		b.WriteString(e.Sel.Name)
		return true
	case *ast.StarExpr:
		b.WriteString("*")
		return write(b, e.X)
	case *ast.ParenExpr:
		b.WriteString("(")
		ok := write(b, e.X)
		b.WriteString(")")
		return ok
	case *ast.IndexExpr:
		if !write(b, e.X) {
			return false
		}
		b.WriteString("[")
		if lit, ok := e.Index.(*ast.BasicLit); ok {
			b.WriteString(lit.Value)
		} else if !write(b, e.Index) {
			return false
		}
		b.WriteString("]")
		return true
	case *ast.CallExpr:
		// A method call without arguments: ctx.Done(), t.Context().
		if _, ok := e.Fun.(*ast.SelectorExpr); !ok || len(e.Args) > 0 {
			return false
		}
		if !write(b, e.Fun) {
			return false
		}
		b.WriteString("()")
		return true
	}
	return false
}
