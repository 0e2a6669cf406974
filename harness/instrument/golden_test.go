package instrument

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// loadGolden loads testdata/golden with its tests, type-checked.
func loadGolden(t *testing.T) []*packages.Package {
	t.Helper()
	pkgs, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes |
			packages.NeedTypesInfo | packages.NeedModule,
		Dir:   "testdata/golden",
		Tests: true,
	}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("testdata/golden does not type-check")
	}
	return pkgs
}

// TestGolden compares the rewrite of each file in testdata/golden with its
// .golden file (go test -update rewrites them).
func TestGolden(t *testing.T) {
	dir, err := filepath.Abs("testdata/golden")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, pkg := range loadGolden(t) {
		for _, f := range pkg.Syntax {
			name := pkg.Fset.File(f.Pos()).Name()
			base := filepath.Base(name)
			if filepath.Dir(name) != dir {
				// go list's generated test main lives in the build cache,
				// which may or may not hold it: only the package's own
				// files have golden twins.
				continue
			}
			if seen[name] || base == "registry.go" || base == "main_test.go" {
				continue
			}
			seen[name] = true
			t.Run(base, func(t *testing.T) {
				src, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				got, err := rewriteFile(pkg.Fset, f, src, pkg.TypesInfo, fileOptions{
					path: name, wrap: strings.HasSuffix(base, "_test.go"), lang: "go1.21",
				})
				if err != nil {
					t.Fatal(err)
				}
				got = strings.ReplaceAll(got, dir, "$DIR")
				golden := name + ".golden"
				if *update {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (go test -update writes it)", err)
				}
				if got != string(want) {
					t.Errorf("rewrite of %s differs from %s (go test -update rewrites it); got:\n%s", base, golden, got)
				}
			})
		}
	}
	if len(seen) < 10 {
		t.Fatalf("only %d golden files found", len(seen))
	}
}

// TestRewrittenBehavesAsOriginal builds testdata/golden as it is and
// instrumented, and compares what its examples return: outside an
// exploration the instrumented code must do what the original does.
func TestRewrittenBehavesAsOriginal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package twice")
	}
	plain := goTest(t, nil)
	b, err := Prepare(Config{Dir: "testdata/golden", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Files < 10 {
		t.Fatalf("%d files rewritten, want the whole package", b.Files)
	}
	inst := goTest(t, b.Flags())
	if plain != inst {
		t.Fatalf("instrumented results differ:\n%s\nplain:\n%s", inst, plain)
	}
	if strings.Count(plain, "\n") < 14 {
		t.Fatalf("too few results:\n%s", plain)
	}
}

func goTest(t *testing.T, flags []string) string {
	t.Helper()
	args := append([]string{"test", "-count=1", "-v"}, flags...)
	args = append(args, "./testdata/golden")
	cmd := exec.Command("go", args...)
	cmd.Env = Env(nil)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	// Drop the "ok pkg time" line.
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	return strings.Join(lines[:len(lines)-1], "\n")
}

// TestABinaryWithoutTestsTakesTheFlags: interleave test passes the
// harness's flags to every test binary; a package whose test files hold
// only benchmarks or examples, which explore nothing, must accept them.
func TestABinaryWithoutTestsTakesTheFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a package")
	}
	b, err := Prepare(Config{Dir: "testdata/benchonly", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	args := append(append([]string{"test", "-count=1"}, b.Flags()...), ".", "-interleave.command=interleave test", "-interleave.v")
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = "testdata/benchonly", Env(nil)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
