// Package ignore implements the directive that silences a finding of
// an interleave analyzer:
//
//	//interleavevet:ignore <analyzer>[,<analyzer>...] <reason>
//
// The directive applies to a diagnostic reported on the line of the
// comment or on the line just below it. The analyzer names may be
// "all". The reason is free text for the reader; it is not checked.
package ignore

import (
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Prefix starts every directive.
const Prefix = "//interleavevet:ignore"

// A Reporter reports diagnostics of one pass, dropping those that a
// directive silences.
type Reporter struct {
	pass  *analysis.Pass
	lines map[*token.File]map[int][]string // file -> line -> analyzer names
}

// New returns a Reporter for pass.
func New(pass *analysis.Pass) *Reporter {
	return &Reporter{pass: pass, lines: make(map[*token.File]map[int][]string)}
}

// Report reports d unless a directive silences it.
func (r *Reporter) Report(d analysis.Diagnostic) {
	if !r.Ignored(d.Pos) {
		r.pass.Report(d)
	}
}

// Ignored reports whether a directive for this analyzer stands on the
// line of pos or on the line above.
func (r *Reporter) Ignored(pos token.Pos) bool {
	tf := r.pass.Fset.File(pos)
	if tf == nil {
		return false
	}
	lines, ok := r.lines[tf]
	if !ok {
		lines = r.scan(tf)
		r.lines[tf] = lines
	}
	line := tf.Line(pos)
	for _, l := range []int{line, line - 1} {
		for _, name := range lines[l] {
			if name == r.pass.Analyzer.Name || name == "all" {
				return true
			}
		}
	}
	return false
}

func (r *Reporter) scan(tf *token.File) map[int][]string {
	lines := make(map[int][]string)
	var file *ast.File
	for _, f := range r.pass.Files {
		if r.pass.Fset.File(f.FileStart) == tf {
			file = f
			break
		}
	}
	if file == nil {
		return lines
	}
	for _, cg := range file.Comments {
		for _, c := range cg.List {
			names, ok := Parse(c.Text)
			if ok {
				l := tf.Line(c.Slash)
				lines[l] = append(lines[l], names...)
			}
		}
	}
	return lines
}

// Parse returns the analyzer names of a directive comment.
func Parse(text string) ([]string, bool) {
	rest, ok := strings.CutPrefix(text, Prefix)
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return nil, false
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return nil, false
	}
	return strings.Split(fields[0], ","), true
}
