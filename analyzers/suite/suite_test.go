package suite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/interleave-go/interleave/analyzers/internal/atest"
	"github.com/interleave-go/interleave/analyzers/suite"
)

// TestOneFindingPerBug runs every analyzer together over code with one
// bug per function and checks that each bug gives exactly one
// diagnostic, by the analyzer named in a "// finding <analyzer>"
// comment on its line, and that no other line gets one: the
// consequences of a bug (the Unlock after a relock, the deferred
// release that follows) and its other sites (the second order of a
// lock-order inversion) are related information, not findings. It
// also checks that the facts the analyzers export encode and decode
// (go vet passes them between processes with gob).
func TestOneFindingPerBug(t *testing.T) {
	dir := atest.TestData(t)
	cfg := &packages.Config{
		Mode:  packages.LoadAllSyntax,
		Dir:   filepath.Join(dir, "src"),
		Env:   append(os.Environ(), "GOPATH="+dir, "GO111MODULE=off", "GOPROXY=off", "GOFLAGS="),
		Tests: false,
	}
	pkgs, err := packages.Load(cfg, "onebug")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("load: errors in the test data")
	}
	graph, err := checker.Analyze(suite.Analyzers(), pkgs, &checker.Options{SanityCheck: true})
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	got := make(map[string][]string) // "file:line" -> analyzers
	for _, act := range graph.Roots {
		if act.Err != nil {
			t.Fatalf("%s: %v", act, act.Err)
		}
		for _, d := range act.Diagnostics {
			p := act.Package.Fset.Position(d.Pos)
			k := fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
			got[k] = append(got[k], act.Analyzer.Name+": "+d.Message)
		}
	}
	want := make(map[string]string)
	for _, pkg := range pkgs {
		for _, f := range pkg.Syntax {
			for _, cg := range f.Comments {
				for _, c := range cg.List {
					if name, ok := strings.CutPrefix(c.Text, "// finding "); ok {
						p := pkg.Fset.Position(c.Pos())
						want[fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)] = strings.TrimSpace(name)
					}
				}
			}
		}
	}
	lines := slices.Sorted(func(yield func(string) bool) {
		seen := make(map[string]bool)
		for k := range got {
			seen[k] = true
		}
		for k := range want {
			seen[k] = true
		}
		for k := range seen {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range lines {
		g, w := got[k], want[k]
		switch {
		case w == "" && len(g) > 0:
			t.Errorf("%s: got %q, want no finding", k, g)
		case w != "" && (len(g) != 1 || !strings.HasPrefix(g[0], w+": ")):
			t.Errorf("%s: got %q, want one finding of %s", k, g, w)
		}
	}
}
