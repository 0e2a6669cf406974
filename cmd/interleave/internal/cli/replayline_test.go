package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The module of TestPrintedReplayLinesRunVerbatim: a race, a deadlock
// that only the build tag buggy makes, and a leak that needs a timer to
// fire ahead of a ready goroutine (within -latency).
var verbatimModule = map[string]string{
	"go.mod":       "module example.com/verbatim\n\ngo 1.22\n",
	"order_bug.go": "//go:build buggy\n\npackage verbatim\n\nconst reversed = true\n",
	"order_ok.go":  "//go:build !buggy\n\npackage verbatim\n\nconst reversed = false\n",
	"verbatim_test.go": `package verbatim

import (
	"sync"
	"testing"
	"time"
)

func TestRace(t *testing.T) {
	n := 0
	var wg sync.WaitGroup
	wg.Add(2)
	for range 2 {
		go func() {
			defer wg.Done()
			n++
		}()
	}
	wg.Wait()
}

func TestDeadlock(t *testing.T) {
	var a, b sync.Mutex
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		a.Lock()
		b.Lock()
		b.Unlock()
		a.Unlock()
	}()
	go func() {
		defer wg.Done()
		first, second := &a, &b
		if reversed {
			first, second = &b, &a
		}
		first.Lock()
		second.Lock()
		second.Unlock()
		first.Unlock()
	}()
	wg.Wait()
}

func TestLeak(t *testing.T) {
	ch := make(chan int)
	go func() {
		time.Sleep(10 * time.Millisecond)
		ch <- 1
	}()
	select {
	case <-ch:
	case <-time.After(20 * time.Millisecond):
	}
}
`,
}

// TestPrintedReplayLinesRunVerbatim finds a race, a deadlock and a leak
// with flags that change the runs (-race, -latency, a strategy, a build
// tag after --), then runs each printed replay line through a shell, as a
// person pasting it would: each must show the same finding.
func TestPrintedReplayLinesRunVerbatim(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the interleave command and a module with -race")
	}
	sh := shellIn(t, verbatimModule)
	out := sh("interleave test -race -latency 15ms -strategy pct -runs 300 -- -tags=buggy")
	first := regexp.MustCompile(`(?m)^\s+\S+_test\.go:\d+: (interleave: [a-z-]+: .*)$`)
	replay := regexp.MustCompile(`(?m)^\s+replay: (interleave test .*)$`)
	blocks := strings.Split(out, "--- FAIL: ")[1:]
	got := map[string]bool{}
	for _, b := range blocks {
		test, _, _ := strings.Cut(b, " ")
		f, r := first.FindStringSubmatch(b), replay.FindStringSubmatch(b)
		if f == nil || r == nil {
			t.Fatalf("%s: no finding or no replay line in:\n%s", test, b)
		}
		got[test] = true
		again := sh(r[1])
		if g := first.FindStringSubmatch(again); g == nil || g[1] != f[1] {
			t.Errorf("%s: the replay line\n\t%s\nprinted\n%s\nwant the finding %q", test, r[1], again, f[1])
		}
	}
	for _, test := range []string{"TestRace", "TestDeadlock", "TestLeak"} {
		if !got[test] {
			t.Errorf("%s: no finding; output:\n%s", test, out)
		}
	}
}

// shellIn writes a module into a new directory and returns a function that
// runs a command line there through sh, with the interleave command, built
// from this checkout, on the PATH.
func shellIn(t *testing.T, module map[string]string) func(line string) string {
	t.Helper()
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "interleave"), "github.com/interleave-go/interleave/cmd/interleave")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building interleave: %v\n%s", err, out)
	}
	dir := t.TempDir()
	for name, text := range module {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return func(line string) string {
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
}

// TestReportsTheRunOfADeadBinary: a test binary that dies during a run (a
// fatal error of the Go runtime, which nothing can recover) takes its
// stacks with it, but not what it was exploring: interleave test still
// says which test and run, and prints a replay line that dies the same way.
func TestReportsTheRunOfADeadBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the interleave command")
	}
	sh := shellIn(t, map[string]string{
		"go.mod": "module example.com/dies\n\ngo 1.22\n",
		"dies_test.go": `package dies

import (
	"runtime/debug"
	"sync/atomic"
	"testing"
)

func recurse(n int) int { return recurse(n+1) + 1 }

func TestDies(t *testing.T) {
	var x atomic.Int32
	done := make(chan bool)
	go func() {
		x.Store(1)
		done <- true
	}()
	if x.Load() == 1 { // on some schedules only
		debug.SetMaxStack(1 << 16)
		recurse(0)
	}
	<-done
}
`})
	out := sh("interleave test .")
	died := regexp.MustCompile(`interleave test: the test binary died during run \d+ of TestDies; the schedule in progress replays with:\n\s+(interleave test .*)`)
	m := died.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "fatal error: stack overflow") {
		t.Fatalf("got:\n%s\nwant the stack overflow and %s", out, died)
	}
	if again := sh(m[1]); !strings.Contains(again, "fatal error: stack overflow") || !died.MatchString(again) {
		t.Fatalf("the replay line %s printed:\n%s\nwant the same death", m[1], again)
	}
}

// TestStateLeftByEarlierRunsIsNotAFinding: a test that registers a name
// in a package registry fails on its second run in one process, as under
// go test -count=2; that is the test's, not a schedule's: the failure,
// replayed in a fresh process, passes, and interleave says so instead of
// failing the test. A real bug beside it is still found.
func TestStateLeftByEarlierRunsIsNotAFinding(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/registry\n\ngo 1.22\n",
		"registry_test.go": `package registry

import (
	"sync"
	"testing"
)

var names = map[string]bool{}

func register(name string) {
	if names[name] {
		panic("duplicate registration of " + name)
	}
	names[name] = true
}

func TestRegisters(t *testing.T) {
	done := make(chan bool)
	go func() { done <- true }()
	<-done
	register("x")
}

func TestLeaks(t *testing.T) {
	var mu sync.Mutex
	go func() { mu.Lock(); mu.Lock() }()
}
`}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out := run(t, dir, "test", "-v", ".")
	if code != 1 || !regexp.MustCompile(`interleave: leak: (?s:.*)--- FAIL: TestLeaks`).MatchString(out) {
		t.Fatalf("interleave test = exit %d, want TestLeaks's leak:\n%s", code, out)
	}
	if !strings.Contains(out, "--- PASS: TestRegisters") || !strings.Contains(out, "the same schedule passes in a fresh process") {
		t.Fatalf("TestRegisters: want a pass that says why its second run failed:\n%s", out)
	}
}

// TestGoroutinesOutsideTheHarnessAreChecked: goroutines that code which
// is not instrumented starts (net/http's, of an httptest server never
// closed) outlive the test: goleak finds them after the test and its
// cleanups, and they are reported as a leak; closed, or allowed, they
// are not.
func TestGoroutinesOutsideTheHarnessAreChecked(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/status\n\ngo 1.22\n",
		"status_test.go": `package status

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func get(t *testing.T, url string) {
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestStatusLeaks(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler()) // never closed
	get(t, srv.URL)
}

func TestStatusCloses(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	get(t, srv.URL)
	http.DefaultClient.CloseIdleConnections()
}
`}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out := run(t, dir, "test", "-runs", "20", "-v", ".")
	if code != 1 || !regexp.MustCompile(`(?s)interleave: leak: goroutines that the harness does not schedule outlived the test.*net/http.*rerun: interleave test -run '\^TestStatusLeaks\$' \.\n(?s:.*)--- FAIL: TestStatusLeaks`).MatchString(out) {
		t.Fatalf("interleave test = exit %d, want TestStatusLeaks's leak of net/http goroutines:\n%s", code, out)
	}
	if !strings.Contains(out, "--- PASS: TestStatusCloses") {
		t.Fatalf("TestStatusCloses, which closes its server, fails:\n%s", out)
	}
}
