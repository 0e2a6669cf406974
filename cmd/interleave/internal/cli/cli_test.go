package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
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
	// The finding quotes the test's own message, which is printed once,
	// not again for each run that replays or shrinks it.
	f := found["counter"]
	if !strings.HasPrefix(f.first, "interleave: assertion: Value = 1 after 2 hits") {
		t.Errorf("counter: finding %q, want the test's message", f.first)
	}
	if n := strings.Count(out, "counter_test.go:20: Value = 1 after 2 hits"); n != 1 {
		t.Errorf("counter: the test's message is printed %d times, want once:\n%s", n, out)
	}
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
	for _, frame := range []string{"harness/internal/engine.", "harness/rt.", "interleave/harness.("} {
		if strings.Contains(out, frame) {
			t.Errorf("the race report shows the harness's frame %s:\n%s", frame, out)
		}
	}
	code, out = run(t, dir, f.replay...) // the line carries -race itself
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
		{[]string{"test", "-shard", "1/2x", "."}, `-shard: shard "1/2x": want i/n with 0 <= i < n`},
		{[]string{"fuzz", "-shard", "3/2", "-seed", "1", "."}, `-shard: shard "3/2": want i/n with 0 <= i < n`},
		{[]string{"fuzz", "-shard", "x", "-seed", "1", "."}, `-shard: shard "x"`},
		{[]string{"fuzz", "-shard", "1/0", "-seed", "1", "."}, `-shard: shard "1/0"`},
		{[]string{"fuzz", "-shard", "-1/2", "-seed", "1", "."}, `-shard: shard "-1/2"`},
		{[]string{"fuzz", "-shard", "0/2", "."}, "-shard needs -seed"},
		{[]string{"fuzz", "-shard", "0/2", "-seed", "0", "."}, "-shard needs -seed"},
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

// copyExamples copies examples/ into a temporary module that builds
// against this checkout.
func copyExamples(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	src := filepath.Join(root, "examples")
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if d.Name() == "testdata" && strings.Contains(rel, string(filepath.Separator)) {
				return filepath.SkipDir // no corpus from elsewhere
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if rel == "go.mod" {
			data = []byte(strings.Replace(string(data), "=> ../", "=> "+root, 1))
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// corpus returns the finding files under dir, with a hash of each.
func corpus(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(path, filepath.Join("testdata", "interleave")) && !strings.HasPrefix(d.Name(), ".") {
			data, _ := os.ReadFile(path)
			rel, _ := filepath.Rel(dir, path)
			out[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(data))
		}
		return nil
	})
	return out
}

func TestFuzzFindsEveryExampleOnceAndSurvivesAKill(t *testing.T) {
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "interleave")
	build := exec.Command("go", "build", "-o", bin, "./cmd/interleave")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := copyExamples(t)
	args := []string{"fuzz", "-duration", "40s", "-chunk", "2s", "./..."}

	// A first fuzz, killed with SIGKILL (its whole process group, as a
	// crash would) once it has written two findings.
	first := exec.Command(bin, args...)
	first.Dir = dir
	first.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out1 bytes.Buffer
	first.Stdout, first.Stderr = &out1, &out1
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for len(corpus(t, dir)) < 2 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	syscall.Kill(-first.Process.Pid, syscall.SIGKILL)
	first.Wait()
	before := corpus(t, dir)
	if len(before) < 2 {
		t.Fatalf("no two findings before the kill:\n%s", out1.String())
	}

	// Resumed, it runs out the duration and loses nothing.
	second := exec.Command(bin, append([]string{args[0], "-resume"}, args[1:]...)...)
	second.Dir = dir
	out2, err := second.CombinedOutput()
	if code := second.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("resumed fuzz: exit %d (%v), want 1:\n%s", code, err, out2)
	}
	if !strings.Contains(string(out2), "resuming after") {
		t.Errorf("the second fuzz did not resume:\n%s", out2)
	}
	after := corpus(t, dir)
	for path, sum := range before {
		if after[path] != sum {
			t.Errorf("%s, written before the kill, was lost or changed", path)
		}
	}
	// Each buggy example has exactly one finding; no fixed twin has any.
	perPkg := map[string]int{}
	for path := range after {
		pkg := path[:strings.Index(path, "/testdata/")]
		perPkg[pkg]++
	}
	for _, ex := range []string{"accounts", "counter", "inventory", "jobqueue", "pipeline", "ratelimit"} {
		if perPkg[ex] != 1 {
			t.Errorf("%s: %d findings, want 1 (corpus %v)\n%s", ex, perPkg[ex], after, out2)
		}
		if perPkg[ex+"/fixed"] != 0 {
			t.Errorf("%s/fixed: %d findings, want none", ex, perPkg[ex+"/fixed"])
		}
	}
	if !strings.Contains(string(out2), "6 findings") {
		t.Errorf("the summary does not count 6 findings:\n%s", out2)
	}

	// Every saved finding replays.
	for path := range after {
		code, out := run(t, dir, "replay", path)
		if code != 1 || !strings.Contains(out, "found in replay") {
			t.Errorf("interleave replay %s = exit %d, want the failure again:\n%s", path, code, out)
		}
	}
	// A corrupted corpus file is reported with its path and skipped.
	bad := filepath.Join(dir, "counter", "fixed", "testdata", "interleave", "TestConcurrentHits", "0000")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte("{not json"), 0o644)
	code, out := run(t, dir, "test", "-runs", "20", "./counter/fixed")
	if code != 0 || !strings.Contains(out, "skipping a corpus file") || !strings.Contains(out, filepath.Join("TestConcurrentHits", "0000")) {
		t.Errorf("interleave test with a corrupted corpus file = exit %d, want 0 and the file named:\n%s", code, out)
	}
}

func TestFindingsFileHoldsOneObjectPerFinding(t *testing.T) {
	dir, err := filepath.Abs(bugs)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "findings.jsonl")
	code, out := run(t, dir, "test", "-findings", file, "./abba", "./lostupdate", "./abba/fixed")
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	if !strings.Contains(out, "--- FAIL") {
		t.Errorf("go test's output is not printed:\n%s", out)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines in -findings, want 2 findings:\n%s", len(lines), data)
	}
	kinds := map[string]bool{}
	for _, l := range lines {
		var f struct{ Kind, Test, Token, Replay string }
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, l)
		}
		if f.Token == "" || f.Replay == "" || f.Test == "" {
			t.Errorf("incomplete finding: %s", l)
		}
		kinds[f.Kind] = true
	}
	if !kinds["deadlock"] || !kinds["assertion"] {
		t.Errorf("kinds %v, want deadlock and assertion", kinds)
	}

	// interleave report draws a finding, from its file or from its token.
	for _, l := range lines {
		var f struct{ Kind, Test, Token string }
		json.Unmarshal([]byte(l), &f)
		if f.Kind != "deadlock" {
			continue
		}
		file := filepath.Join(t.TempDir(), "finding.json")
		os.WriteFile(file, []byte(l), 0o644)
		for _, arg := range [][]string{{file}, {f.Token, "./abba"}} {
			html := filepath.Join(t.TempDir(), "report.html")
			code, out := run(t, dir, append([]string{"report", "-o", html}, arg...)...)
			data, err := os.ReadFile(html)
			if code != 0 || err != nil || !strings.Contains(string(data), `class="lane" data-g="2"`) || !strings.Contains(string(data), "blocked: Lock to.mu#") {
				t.Errorf("interleave report %q = exit %d, %v; want a page with the lanes of the deadlock:\n%s", arg, code, err, out)
			}
		}
	}
}

func TestPackageUsingOnlyAtomicFunctionsBuilds(t *testing.T) {
	// Every use of sync/atomic is a call the rewriter replaces: the import
	// must not be left unused, and the lost update between Load and Store
	// must be found.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/atm\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "atm.go"), []byte(`package atm

import "sync/atomic"

var n int64

// Inc is not atomic: a Load and a Store.
func Inc() { atomic.StoreInt64(&n, atomic.LoadInt64(&n)+1) }
`), 0o644)
	os.WriteFile(filepath.Join(dir, "atm_test.go"), []byte(`package atm

import (
	"sync"
	"testing"
)

func TestInc(t *testing.T) {
	n = 0
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); Inc() }()
	go func() { defer wg.Done(); Inc() }()
	wg.Wait()
	if n != 2 {
		t.Errorf("n = %d, want 2", n)
	}
}
`), 0o644)
	code, out := run(t, dir, "test", ".")
	if code != 1 || !strings.Contains(out, "n = 1, want 2") || !strings.Contains(out, "replay: ") {
		t.Fatalf("interleave test = exit %d, want the lost update:\n%s", code, out)
	}
}

// TestCleanupsRunInTheirRun: t.Cleanup in an explored test (here through
// a helper taking testing.TB, as test helpers do) runs at the end of the
// run that registered it, last registered first, and not once the test is
// over, outside every run: a pool whose Close waits for its workers would
// find them torn down and wait for ever, and the worker would be a leak.
func TestCleanupsRunInTheirRun(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/pool\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "pool.go"), []byte(`package pool

import "sync"

type Pool struct {
	wg   sync.WaitGroup
	quit chan struct{}
}

func New() *Pool {
	p := &Pool{quit: make(chan struct{})}
	p.wg.Add(1)
	go func() { defer p.wg.Done(); <-p.quit }()
	return p
}

func (p *Pool) Close() { close(p.quit); p.wg.Wait() }
`), 0o644)
	os.WriteFile(filepath.Join(dir, "pool_test.go"), []byte(`package pool

import "testing"

func newPool(tb testing.TB) *Pool {
	p := New()
	tb.Cleanup(p.Close)
	return p
}

var order []string

func TestPool(t *testing.T) {
	order = nil
	newPool(t)
	t.Cleanup(func() {
		if len(order) != 1 || order[0] != "last registered" {
			t.Errorf("cleanups ran in the order %q", order)
		}
	})
	t.Cleanup(func() { order = append(order, "last registered") })
}
`), 0o644)
	code, out := run(t, dir, "test", "-runs", "50", "-v", ".", "--", "-timeout", "60s")
	if code != 0 || !strings.Contains(out, "--- PASS: TestPool") {
		t.Fatalf("interleave test = exit %d, want a pass:\n%s", code, out)
	}
}

// TestHelpersReportOnce: a failure that a helper of another package
// reports through an interface (testify's assert.TestingT) is printed
// once, as the test's own t.Errorf is, and not again by each run that
// shrinks and replays the failing one.
func TestHelpersReportOnce(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "check"), 0o755)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/once\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "check", "check.go"), []byte(`package check

type TestingT interface {
	Errorf(format string, args ...any)
}

func Equal(t TestingT, got, want int) bool {
	if got != want {
		t.Errorf("got %d, want %d (from check)", got, want)
		return false
	}
	return true
}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "once_test.go"), []byte(`package once

import (
	"sync"
	"testing"

	"example.com/once/check"
)

func TestLostUpdate(t *testing.T) {
	n := 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			v := n
			mu.Unlock()
			mu.Lock()
			n = v + 1
			mu.Unlock()
		}()
	}
	wg.Wait()
	check.Equal(t, n, 2)
}
`), 0o644)
	code, out := run(t, dir, "test", ".")
	if code != 1 || !strings.Contains(out, "replay: ") {
		t.Fatalf("interleave test = exit %d, want the lost update:\n%s", code, out)
	}
	if n := len(regexp.MustCompile(`(?m)^\s+\w+\.go:\d+: got 1, want 2 \(from check\)$`).FindAllString(out, -1)); n != 1 {
		t.Fatalf("the helper's message is printed %d times, want once:\n%s", n, out)
	}
}

// TestLogPrintedOnceWhenTheFirstRunFails: a test's t.Log lines are
// printed by the exploration's first run; when that run fails, the runs
// that shrink and replay it keep the lines for the report instead of
// printing them again.
func TestLogPrintedOnceWhenTheFirstRunFails(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/logonce\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "logonce_test.go"), []byte(`package logonce

import "testing"

func TestLeaks(t *testing.T) {
	t.Log("starting the worker")
	block := make(chan int)
	go func() { <-block }()
}
`), 0o644)
	code, out := run(t, dir, "test", ".")
	if code != 1 || !strings.Contains(out, "interleave: leak") {
		t.Fatalf("interleave test = exit %d, want the leak:\n%s", code, out)
	}
	if n := len(regexp.MustCompile(`(?m)^\s+logonce_test.go:\d+: starting the worker$`).FindAllString(out, -1)); n != 1 {
		t.Fatalf("the test's log line is printed %d times, want once:\n%s", n, out)
	}
}

// counterModule is a package whose test passes, and lostUpdate the change
// that breaks it.
var counterModule = map[string]string{
	"go.mod": "module example.com/counter\n\ngo 1.22\n",
	"counter.go": `package counter

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}
`,
	"counter_test.go": `package counter

import (
	"sync"
	"testing"
)

func TestInc(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.Inc() }()
	go func() { defer wg.Done(); c.Inc() }()
	wg.Wait()
	if c.n != 2 {
		t.Errorf("n = %d, want 2", c.n)
	}
}
`,
}

const lostUpdate = `package counter

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Inc() {
	c.mu.Lock()
	n := c.n
	c.mu.Unlock()
	c.mu.Lock()
	c.n = n + 1
	c.mu.Unlock()
}
`

func writeModule(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// compiles matches the compiler's command lines in go test -x output.
var compiles = regexp.MustCompile(`(?m)/compile\s.*$`)

func TestSecondRunRebuildsNothingAndSeesChanges(t *testing.T) {
	t.Setenv(cacheEnv, t.TempDir())
	dir := t.TempDir()
	writeModule(t, dir, counterModule)
	before := treeHash(t, dir)
	if code, out := run(t, dir, "test", "-runs", "50", "."); code != 0 {
		t.Fatalf("first run = exit %d, want 0:\n%s", code, out)
	}
	// -x after -- goes to go test, which prints what it runs.
	code, out := run(t, dir, "test", "-runs", "50", ".", "--", "-x")
	if code != 0 {
		t.Fatalf("second run = exit %d, want 0:\n%s", code, out)
	}
	if c := compiles.FindAllString(out, -1); len(c) > 0 {
		t.Errorf("the second run of an unchanged package compiled %d packages:\n%s", len(c), strings.Join(c, "\n"))
	}
	writeModule(t, dir, map[string]string{"counter.go": lostUpdate})
	code, out = run(t, dir, "test", "-runs", "200", ".", "--", "-x")
	if code != 1 || !strings.Contains(out, "n = 1, want 2") {
		t.Fatalf("after the change, run = exit %d, want the lost update:\n%s", code, out)
	}
	if c := compiles.FindAllString(out, -1); len(c) == 0 {
		t.Errorf("after the change, nothing was compiled:\n%s", out)
	}
	writeModule(t, dir, counterModule)
	if code, out := run(t, dir, "test", "-runs", "50", "."); code != 0 {
		t.Fatalf("after the change was undone, run = exit %d, want 0:\n%s", code, out)
	}
	if after := treeHash(t, dir); after != before {
		t.Errorf("interleave test wrote into the module")
	}
}

func TestConcurrentRunsShareTheCache(t *testing.T) {
	t.Setenv(cacheEnv, t.TempDir())
	dir := t.TempDir()
	writeModule(t, dir, counterModule)
	writeModule(t, dir, map[string]string{"counter.go": lostUpdate})
	t.Chdir(dir)
	type result struct {
		code int
		out  string
	}
	results := make(chan result, 2)
	for range 2 {
		go func() {
			var out bytes.Buffer
			code := Main([]string{"test", "-runs", "200", "."}, &out, &out)
			results <- result{code, out.String()}
		}()
	}
	for range 2 {
		r := <-results
		if r.code != 1 || !strings.Contains(r.out, "n = 1, want 2") {
			t.Errorf("a concurrent run = exit %d, want the lost update:\n%s", r.code, r.out)
		}
	}
}

func TestSecondRunCompilesNoDependencyCopy(t *testing.T) {
	// The copy of golang.org/x/sync that testdata/deps builds with stays
	// where it is, with the same contents: the go command compiles it, and
	// the rest, once.
	t.Setenv(cacheEnv, t.TempDir())
	dir, err := filepath.Abs("../../../../testdata/deps")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		code, out := run(t, dir, "test", "-runs", "20", "./...", "--", "-x")
		if code != 1 || !strings.Contains(out, "interleave: deadlock: ") {
			t.Fatalf("run %d = exit %d, want the deadlock:\n%s", i+1, code, out)
		}
		c := compiles.FindAllString(out, -1)
		if i == 0 && len(c) == 0 {
			t.Fatalf("the first run, with an empty cache, compiled nothing:\n%s", out)
		}
		if i == 1 && len(c) > 0 {
			t.Errorf("the second run compiled %d packages:\n%s", len(c), strings.Join(c, "\n"))
		}
	}
}
