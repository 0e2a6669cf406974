package instrument

import (
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
)

// fileOptions says how to rewrite one file.
type fileOptions struct {
	// path is the file's real path, which the line directives name.
	path string
	// wrap explores the file's Test functions (test files of the
	// packages under test).
	wrap bool
	// lang, when set ("go1.20"), keeps the file's language version with a
	// //go:build line, for a module whose go line the build raises.
	lang string
	// mark adds the init function that tells the binary it is
	// instrumented.
	mark bool
}

// rewriteFile returns the instrumented source of a file. The result
// starts with a //line directive that names the original file, and keeps
// every original line at its number.
func rewriteFile(fset *token.FileSet, file *ast.File, src []byte, info *types.Info, opts fileOptions) (string, error) {
	tf := fset.File(file.Pos())
	if tf == nil || tf.Size() != len(src) {
		return "", fmt.Errorf("%s: source does not match the parsed file", opts.path)
	}
	r := &fileRewriter{editor: editor{src: src, tf: tf}, fset: fset, file: file, info: info, wrap: opts.wrap}
	if err := r.safeRun(); err != nil {
		return "", err
	}
	if len(r.errs) > 0 {
		return "", joinErrs(r.errs)
	}
	var imports []string
	if r.usesRT || opts.mark {
		imports = append(imports, fmt.Sprintf("import %s %q", rtName, rtPath))
	}
	switch {
	case r.usesH:
		imports = append(imports, fmt.Sprintf("import %s %q", harnessName, harnessPath))
	case opts.mark:
		// interleave test gives every test binary the harness's flags:
		// one whose files explore nothing (benchmarks, examples only)
		// must know them too.
		imports = append(imports, fmt.Sprintf("import _ %q", harnessPath))
	}
	if len(imports) > 0 {
		r.put(edit{start: r.off(file.Name.End()), end: r.off(file.Name.End()), text: "; " + strings.Join(imports, "; ")})
	}
	header := ""
	if opts.lang != "" {
		if c, ok := buildComment(file); ok {
			expr, err := constraint.Parse(c.Text)
			if err != nil {
				return "", fmt.Errorf("%s: %v", fset.Position(c.Pos()), err)
			}
			if constraint.GoVersion(expr) == "" {
				r.put(edit{start: r.off(c.Pos()), end: r.off(c.End()),
					text: "//go:build (" + strings.TrimSpace(strings.TrimPrefix(c.Text, "//go:build")) + ") && " + opts.lang})
			}
		} else {
			header = "//go:build " + opts.lang + "\n\n"
		}
	}
	body := r.result()
	if unused := unusedImports(body, file, info); len(unused) > 0 {
		// Calls the rewriter replaced (atomic.AddInt32) may have been
		// the file's only uses of a package: its import becomes blank,
		// keeping the package's initialization.
		for _, spec := range unused {
			if spec.Name != nil {
				r.put(edit{start: r.off(spec.Name.Pos()), end: r.off(spec.Name.End()), text: "_"})
			} else {
				r.put(edit{start: r.off(spec.Path.Pos()), end: r.off(spec.Path.Pos()), text: "_ "})
			}
		}
		body = r.result()
	}
	out := header + "//line " + opts.path + ":1\n" + body
	if opts.mark {
		out += fmt.Sprintf("\n\nfunc init() { %s.MarkInstrumented() }\n", rtName)
	}
	return out, nil
}

// safeRun runs the rewriter, turning an internal inconsistency into an
// error that names the file rather than a crash.
func (r *fileRewriter) safeRun() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: the instrumentation failed: %v", r.fset.Position(r.file.Pos()).Filename, p)
		}
	}()
	r.run()
	return nil
}

// buildComment returns the file's //go:build line.
func buildComment(f *ast.File) (*ast.Comment, bool) {
	for _, g := range f.Comments {
		if g.Pos() >= f.Package {
			break
		}
		for _, c := range g.List {
			if constraint.IsGoBuild(c.Text) {
				return c, true
			}
		}
	}
	return nil, false
}

func joinErrs(errs []error) error {
	var b strings.Builder
	for i, e := range errs {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return fmt.Errorf("%s", b.String())
}

// unusedImports returns the imports of file that the rewritten source no
// longer refers to.
func unusedImports(src string, file *ast.File, info *types.Info) []*ast.ImportSpec {
	out, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil // the compiler will say what is wrong
	}
	used := make(map[string]bool)
	ast.Inspect(out, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	var unused []*ast.ImportSpec
	for _, spec := range file.Imports {
		pn := info.PkgNameOf(spec)
		if pn == nil || pn.Name() == "_" || pn.Name() == "." || used[pn.Name()] {
			continue
		}
		unused = append(unused, spec)
	}
	return unused
}
