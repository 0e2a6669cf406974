package harness_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/interleave-go/interleave/harness"
)

// raceTest runs tests of testdata/race under the race detector in a go
// test of their own, and returns their output: a race fails the process
// that sees it, so these tests cannot run in this one.
func raceTest(t *testing.T, run string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"test", "-race", "-count=1", "-v", "-run", run, "./testdata/race"}, args...)...)
	cmd.Env = append(cmd.Environ(), "GORACE=log_path="+filepath.Join(t.TempDir(), "race"))
	out, _ := cmd.CombinedOutput()
	return string(out)
}

// section returns the output of one test in go test -v output.
func section(out, test string) string {
	i := strings.Index(out, "=== RUN   "+test+"\n")
	if i < 0 {
		return ""
	}
	rest := out[i+len("=== RUN   "+test+"\n"):]
	if j := strings.Index(rest, "=== RUN"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestRaceDetection(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with -race")
	}
	out := raceTest(t, "^(TestCounter|TestCounterVisibleHandoff|TestTryLockRead|TestRaceFree)$")

	// A plain counter race is found on the first run, with the report.
	counter := section(out, "TestCounter")
	for _, want := range []string{"interleave: race: the race detector reported 1 data race during this run", "found in run 1 of 1",
		"WARNING: DATA RACE", "race_test.go:22"} {
		if !strings.Contains(counter, want) {
			t.Errorf("TestCounter: output does not contain %q:\n%s", want, counter)
		}
	}
	// The same program with the handoffs visible to the detector: the
	// harness's own synchronization would hide the race. Hiding it is what
	// lets the detector see the program's own edges and nothing more.
	if visible := section(out, "TestCounterVisibleHandoff"); !strings.Contains(visible, "--- PASS") || strings.Contains(visible, "DATA RACE") {
		t.Errorf("TestCounterVisibleHandoff: want a pass with no race:\n%s", visible)
	}
	if free := section(out, "TestRaceFree"); !strings.Contains(free, "--- PASS") {
		t.Errorf("TestRaceFree: want a pass:\n%s", free)
	}

	// A race on some interleavings only is found within 100 runs, and
	// its token replays the race in a new process.
	tryLock := section(out, "TestTryLockRead")
	if !strings.Contains(tryLock, "interleave: race:") {
		t.Fatalf("TestTryLockRead: no race found:\n%s", tryLock)
	}
	m := regexp.MustCompile(`found in run (\d+) of 100`).FindStringSubmatch(tryLock)
	if m == nil {
		t.Fatalf("TestTryLockRead: no run number:\n%s", tryLock)
	}
	tok := regexp.MustCompile(`-interleave\.replay=(\S+)`).FindStringSubmatch(tryLock)
	if tok == nil {
		t.Fatalf("TestTryLockRead: no replay line:\n%s", tryLock)
	}
	replayed := raceTest(t, "^TestTryLockRead$", "-interleave.replay="+tok[1])
	if !strings.Contains(replayed, "interleave: race:") || !strings.Contains(replayed, "WARNING: DATA RACE") {
		t.Fatalf("the token of run %s does not replay the race:\n%s", m[1], replayed)
	}
}

func TestExploreWithoutInstrumentationSaysHow(t *testing.T) {
	out, err := exec.Command("go", "test", "-count=1", "./testdata/plain").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "this test binary is not instrumented") ||
		!strings.Contains(string(out), "interleave test ./pkg") || !strings.Contains(string(out), "harness.Main(m)") {
		t.Fatalf("go test of uninstrumented code: err %v, output:\n%s", err, out)
	}
}

func TestMainInstrumentsPlainGoTest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the interleave command")
	}
	cmd := exec.Command("go", "test", "-count=1", "-run", "TestABBA", "./testdata/withmain")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "interleave: deadlock: all goroutines are blocked") ||
		!strings.Contains(string(out), "withmain_test.go:") {
		t.Fatalf("go test of a package whose TestMain calls harness.Main: err %v, output:\n%s", err, out)
	}
}

func TestFuzzFindsTheBugAndItsInputReplays(t *testing.T) {
	if testing.Short() {
		t.Skip("fuzzes")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module example.com/fuzzing\n\ngo 1.26\n\nrequire github.com/interleave-go/interleave v0.0.0\n\nreplace github.com/interleave-go/interleave => " + root + "\n"
	src, err := os.ReadFile("testdata/fuzzing/fuzz_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "fuzz_test.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gotest := func(args ...string) string {
		cmd := exec.Command("go", append([]string{"test"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(cmd.Environ(), "GOFLAGS=-mod=mod")
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	out := gotest("-run", "^$", "-fuzz", "^FuzzLostUpdate$", "-fuzztime", "30s", ".")
	if !strings.Contains(out, "interleave: assertion: n = 1, want 2") {
		t.Fatalf("go test -fuzz did not find the lost update:\n%s", out)
	}
	saved, err := filepath.Glob(filepath.Join(dir, "testdata", "fuzz", "FuzzLostUpdate", "*"))
	if err != nil || len(saved) != 1 {
		t.Fatalf("want one saved input, got %v (%v):\n%s", saved, err, out)
	}
	out = gotest("-run", "^FuzzLostUpdate/"+filepath.Base(saved[0])+"$", ".")
	if !strings.Contains(out, "interleave: assertion: n = 1, want 2") || !strings.Contains(out, "FAIL") {
		t.Fatalf("the saved input does not replay the failure:\n%s", out)
	}
}

// TestTheBinaryRunAgainByATestRunsOnce: a test that runs its own binary
// again (tests of crashes do) gets, in the child, the test as go test
// runs it, once, not a second exploration inside a run of the first.
func TestTheBinaryRunAgainByATestRunsOnce(t *testing.T) {
	if os.Getenv("INTERLEAVE_TEST_CHILD") != "" {
		runs := 0
		harness.Explore(t, func(*harness.T) { runs++ }, harness.Runs(50))
		fmt.Printf("child runs=%d\n", runs)
		return
	}
	explore(t, func(*harness.T) {}, harness.Runs(1)) // this binary explores
	cmd := exec.Command(os.Args[0], "-test.run=^TestTheBinaryRunAgainByATestRunsOnce$", "-test.v")
	cmd.Env = append(os.Environ(), "INTERLEAVE_TEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "child runs=1\n") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
