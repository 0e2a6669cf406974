package cli

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// bugs is testdata/bugs: ordinary packages with known bugs, which know
// nothing of interleave, and their fixed twins.
const bugs = "../../../../testdata/bugs"

// wantKinds is the kind of finding each buggy package must give.
var wantKinds = map[string]string{
	"abba":        "deadlock",
	"doublelock":  "deadlock",
	"condwakeup":  "deadlock",
	"wgforever":   "deadlock",
	"selectleak":  "leak",
	"ctxleak":     "leak",
	"closedsend":  "panic|assertion",
	"lostupdate":  "assertion",
	"rwrecursive": "deadlock",
	"ordering":    "assertion",
}

// run runs the interleave command in dir and returns its exit status and
// output.
func run(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	t.Chdir(dir)
	var out bytes.Buffer
	code := Main(args, &out, &out)
	return code, out.String()
}

// treeHash hashes every file under dir, to check that nothing is written.
func treeHash(t *testing.T, dir string) string {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		fmt.Fprintf(h, "%s %x\n", path, sha256.Sum256(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// findings parses go test output into the first interleave line and the
// replay arguments of each failing package.
type finding struct {
	first  string
	replay []string
}

func findings(out string) map[string]finding {
	return findingsIn(out, "example.com/bugs/")
}

// findingsIn is findings for the packages under an import path prefix.
func findingsIn(out, prefix string) map[string]finding {
	got := make(map[string]finding)
	var block []string
	failed := regexp.MustCompile(`^FAIL\s+` + regexp.QuoteMeta(prefix) + `(\S+)`)
	for _, line := range strings.Split(out, "\n") {
		block = append(block, line)
		if m := failed.FindStringSubmatch(line); m != nil {
			text := strings.Join(block, "\n")
			var f finding
			if m := regexp.MustCompile(`(?m)interleave: [a-z-]+: .*$`).FindString(text); m != "" {
				f.first = m
			}
			if m := regexp.MustCompile(`(?m)replay: interleave (test .*)$`).FindStringSubmatch(text); m != nil {
				f.replay = splitQuoted(m[1])
			}
			got[m[1]] = f
			block = nil
		} else if strings.HasPrefix(line, "ok ") {
			block = nil
		}
	}
	return got
}

// splitQuoted splits a command line with single-quoted words.
func splitQuoted(s string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`'[^']*'|\S+`).FindAllString(s, -1) {
		out = append(out, strings.Trim(m, "'"))
	}
	return out
}

func TestFindsEveryBugAndReplaysIt(t *testing.T) {
	dir, err := filepath.Abs(bugs)
	if err != nil {
		t.Fatal(err)
	}
	before := treeHash(t, dir)
	code, out := run(t, dir, "test", "./...")
	if code != 1 {
		t.Fatalf("interleave test ./... = exit %d, want 1\n%s", code, out)
	}
	found := findings(out)
	for pkg, kinds := range wantKinds {
		f, ok := found[pkg]
		if !ok {
			t.Errorf("%s: no finding\n%s", pkg, out)
			continue
		}
		if !regexp.MustCompile(`^interleave: (` + kinds + `): `).MatchString(f.first) {
			t.Errorf("%s: finding %q, want kind %s", pkg, f.first, kinds)
		}
		if len(f.replay) == 0 {
			t.Errorf("%s: no replay line", pkg)
		}
		if !strings.Contains(out, "example.com/bugs/"+pkg+"/fixed\t") || found[pkg+"/fixed"].first != "" {
			t.Errorf("%s/fixed: want it to pass", pkg)
		}
	}
	for pkg := range found {
		if strings.HasSuffix(pkg, "/fixed") {
			t.Errorf("%s: the fixed twin fails:\n%s", pkg, out)
		}
	}
	// Each replay line reproduces its finding.
	for pkg := range wantKinds {
		f := found[pkg]
		if len(f.replay) == 0 {
			continue
		}
		code, out := run(t, dir, f.replay...)
		if code != 1 || !strings.Contains(out, f.first) {
			t.Errorf("%s: replay %q = exit %d, want the finding %q again:\n%s", pkg, f.replay, code, f.first, out)
		}
	}
	if after := treeHash(t, dir); after != before {
		t.Errorf("interleave test changed files under %s", dir)
	}
}

func TestQuickStart(t *testing.T) {
	// The README's first command, from the root of the repository: the
	// examples are a module of their own below it, built against this
	// checkout's primitives.
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	examples := []string{"accounts", "counter", "inventory", "jobqueue", "pipeline", "ratelimit"}
	code, out := run(t, root, "test", "./examples/...")
	if code != 1 {
		t.Fatalf("interleave test ./examples/... = exit %d, want 1\n%s", code, out)
	}
	found := findingsIn(out, "github.com/interleave-go/interleave/examples/")
	for _, ex := range examples {
		f := found[ex]
		if f.first == "" || len(f.replay) == 0 {
			t.Errorf("%s: no finding with a replay line\n%s", ex, out)
			continue
		}
		if pkg := f.replay[len(f.replay)-1]; pkg != "./examples/"+ex {
			t.Errorf("%s: the replay line names %q, want ./examples/%s, which works from where the command ran", ex, pkg, ex)
		}
		if !strings.Contains(out, "ok  \tgithub.com/interleave-go/interleave/examples/"+ex+"/fixed") {
			t.Errorf("%s/fixed: want it to pass\n%s", ex, out)
		}
	}
	if len(found) != len(examples) {
		t.Errorf("%d packages fail, want the %d buggy examples: %v", len(found), len(examples), found)
	}
	f := found["counter"]
	if len(f.replay) > 0 {
		code, out := run(t, root, f.replay...)
		if code != 1 || !strings.Contains(out, f.first) {
			t.Errorf("replay %q = exit %d, want the finding %q again:\n%s", f.replay, code, f.first, out)
		}
	}
}

func TestFindsRaceUnderRace(t *testing.T) {
	dir, err := filepath.Abs(bugs)
	if err != nil {
		t.Fatal(err)
	}
	code, out := run(t, dir, "test", "-race", "./racyinit", "./racyinit/fixed")
	found := findings(out)
	f := found["racyinit"]
	if code != 1 || !strings.HasPrefix(f.first, "interleave: race: ") || !strings.Contains(out, "WARNING: DATA RACE") || !strings.Contains(out, "config.go:") {
		t.Fatalf("interleave test -race = exit %d, finding %q, want a race in config.go:\n%s", code, f.first, out)
	}
	if _, failed := found["racyinit/fixed"]; failed {
		t.Errorf("racyinit/fixed fails:\n%s", out)
	}
	code, out = run(t, dir, append([]string{f.replay[0], "-race"}, f.replay[1:]...)...)
	if code != 1 || !strings.Contains(out, "interleave: race: ") {
		t.Errorf("replay %q = exit %d, want the race again:\n%s", f.replay, code, out)
	}
}

func TestBadUsage(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/broken\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "broken.go"), []byte("package broken\n\nfunc f() int {\n\treturn \"not an int\"\n}\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"test", "-strategy", "bogus", "."}, "unknown strategy"},
		{[]string{"test", "-runs", "-1", "."}, "must not be negative"},
		{[]string{"test", ".", "-run", "X"}, "after the packages"},
		{[]string{"test", "-nosuchflag"}, "flag provided but not defined"},
		{[]string{"test", "."}, "broken.go:4:9"},
		{[]string{"frobnicate"}, "unknown command"},
	}
	for _, c := range cases {
		code, out := run(t, dir, c.args...)
		if code != 2 || !strings.Contains(out, c.want) {
			t.Errorf("interleave %q = exit %d, want 2 and %q in:\n%s", c.args, code, c.want, out)
		}
	}
}

func TestInstrumentsModuleCacheDependencies(t *testing.T) {
	// errgroup's WaitGroup lives in golang.org/x/sync, in the module
	// cache: the deadlock through it is found only if the copy of the
	// module that replaces it is instrumented.
	dir, err := filepath.Abs("../../../../testdata/deps")
	if err != nil {
		t.Fatal(err)
	}
	code, out := run(t, dir, "test", "./...")
	if code != 1 || !strings.Contains(out, "interleave: deadlock: ") ||
		!regexp.MustCompile(`golang.org/x/sync@v[^/]*/errgroup/errgroup.go:\d+`).MatchString(out) {
		t.Fatalf("interleave test = exit %d, want a deadlock in errgroup's Wait, with its original file:\n%s", code, out)
	}
}

func TestKeepsTheModulesLanguageVersion(t *testing.T) {
	// A go 1.20 module, built under the harness's newer go line, keeps
	// loop variables shared by all iterations.
	dir, err := filepath.Abs("../../../../testdata/loopvar")
	if err != nil {
		t.Fatal(err)
	}
	if code, out := run(t, dir, "test", "./..."); code != 0 {
		t.Fatalf("interleave test = exit %d, want 0:\n%s", code, out)
	}
}

func TestExploresThePrimitivesUnchanged(t *testing.T) {
	// The primitives' own tests, which know nothing of interleave (stress
	// loops, subtests that call t.Parallel, a subprocess running go vet,
	// synctest bubbles), pass under exploration.
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	before := treeHash(t, filepath.Join(root, "primitives"))
	code, out := run(t, root, "test", "-runs", "30", "-time", "1s", "./primitives")
	if code != 0 {
		t.Fatalf("interleave test ./primitives = exit %d, want 0:\n%s", code, out)
	}
	if after := treeHash(t, filepath.Join(root, "primitives")); after != before {
		t.Errorf("interleave test changed files under primitives")
	}
}
