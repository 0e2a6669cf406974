package harness_test

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// runSubtests is a test helper that runs a subtest, as `interleave test`
// rewrites one: called from inside the run of the explored test that
// calls it, it ends that run as a nested exploration.
func runSubtests(t *testing.T) {
	harness.TestRun(t, "sub", harness.Explored(func(t *testing.T) {
		var mu sync.Mutex
		rt.Lock(&mu)
		rt.Lock(&mu) // a deadlock on every schedule
	}))
}

// childEnv is the environment of a test binary this one starts to
// explore on its own: without the mark of an exploring parent, which
// would make it run its tests once, unexplored (see
// TestTheBinaryRunAgainByATestRunsOnce).
func childEnv(extra ...string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "INTERLEAVE_EXPLORER_PID=")
	})
	return append(env, extra...)
}

// TestSubtestOfAHelperReplays: a subtest that a helper starts from inside
// the run of its parent's body (the parent explores as a nested
// exploration) is reported with a replay line that reaches it, and the
// check that replays a finding in a fresh process reaches it too, instead
// of stopping at the parent, which the token was not recorded for, and
// calling the deadlock state left behind by earlier runs.
func TestSubtestOfAHelperReplays(t *testing.T) {
	if os.Getenv("INTERLEAVE_NESTED_CHILD") != "" {
		harness.ExploreTest(t, func(t *testing.T) { runSubtests(t) })
		return
	}
	child := func(args ...string) string {
		cmd := exec.Command(os.Args[0], append([]string{"-test.v"}, args...)...)
		cmd.Env = childEnv("INTERLEAVE_NESTED_CHILD=1")
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	out := child("-test.run=^TestSubtestOfAHelperReplays$")
	if !strings.Contains(out, "interleave: deadlock: all goroutines are blocked") || strings.Contains(out, "passes in a fresh process") {
		t.Fatalf("exploring the subtest: want its deadlock reported, got:\n%s", out)
	}
	tok := regexp.MustCompile(`-interleave\.replay=(\S+)`).FindStringSubmatch(out)
	if tok == nil {
		t.Fatalf("no replay line:\n%s", out)
	}
	again := child("-test.run=^TestSubtestOfAHelperReplays$/^sub$", "-interleave.replay="+tok[1])
	if !strings.Contains(again, "interleave: deadlock: all goroutines are blocked") || !strings.Contains(again, "found in replay") {
		t.Fatalf("replaying the subtest's token: want its deadlock, got:\n%s", again)
	}
	if strings.Contains(again, "recorded for another test") {
		t.Fatalf("the parent took the subtest's token for its own:\n%s", again)
	}
}

// TestAFreshProcessThatCannotReplayIsNoEvidence: when the fresh process
// that replays a finding fails before it replays anything (here the test
// fails at once there), nothing says the schedule passes in it: the
// finding is reported, not put down to state left behind.
func TestAFreshProcessThatCannotReplayIsNoEvidence(t *testing.T) {
	if os.Getenv("INTERLEAVE_NESTED_CHILD") != "" {
		if slices.Contains(os.Args, "-interleave.fresh") {
			t.Fatal("this process cannot run the test")
		}
		harness.ExploreTest(t, func(t *testing.T) {
			var mu sync.Mutex
			rt.Lock(&mu)
			rt.Lock(&mu)
		})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.v", "-test.run=^TestAFreshProcessThatCannotReplayIsNoEvidence$")
	cmd.Env = childEnv("INTERLEAVE_NESTED_CHILD=1")
	out, _ := cmd.CombinedOutput()
	if !strings.Contains(string(out), "interleave: deadlock: all goroutines are blocked") || strings.Contains(string(out), "passes in a fresh process") {
		t.Fatalf("want the deadlock reported, got:\n%s", out)
	}
}

// TestALogOfAnExploredTestPrintsOnce: t.Log in an explored test (which
// interleave test makes harness.TestLog) prints in the exploration's first
// run, not once a run: golang.org/x/sync's TestPanicDo printed its
// 5-line log a thousand times under -v.
func TestALogOfAnExploredTestPrintsOnce(t *testing.T) {
	if os.Getenv("INTERLEAVE_LOG_CHILD") != "" {
		harness.ExploreTest(t, func(t *testing.T) {
			var wg sync.WaitGroup
			rt.WaitGroupAdd(&wg, 2)
			for range 2 {
				rt.Go(func() { rt.WaitGroupDone(&wg) })
			}
			rt.WaitGroupWait(&wg)
			harness.TestLogf(t, "the body's log line")
		})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.v", "-test.run=^TestALogOfAnExploredTestPrintsOnce$", "-interleave.runs=50", "-interleave.v")
	cmd.Env = childEnv("INTERLEAVE_LOG_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "50 runs") {
		t.Fatalf("want 50 runs that pass: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "the body's log line"); n != 1 {
		t.Fatalf("the log line printed %d times, want once:\n%s", n, out)
	}
}
