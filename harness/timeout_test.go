package harness_test

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// TestTimeoutCountsTimeOutsideExplorations: interleave test gives go
// test's -timeout to the harness, which applies it to the time a binary
// spends outside explorations and to each exploration: explorations that
// take longer together than the timeout do not kill the binary, a test
// that hangs outside them does.
func TestTimeoutCountsTimeOutsideExplorations(t *testing.T) {
	switch os.Getenv("INTERLEAVE_TIMEOUT_CHILD") {
	case "explore":
		for range 3 {
			harness.Explore(t, func(t *harness.T) {
				ch := rt.MakeChan(make(chan int))
				rt.Go(func() { rt.Send(ch, 1) })
				rt.Recv(ch)
			}, harness.Runs(1<<30), harness.Time(700*time.Millisecond))
		}
		return
	case "hang":
		time.Sleep(time.Minute)
		return
	}
	child := func(mode string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTimeoutCountsTimeOutsideExplorations$", "-test.timeout=0", "-interleave.timeout=1500ms")
		cmd.Env = childEnv("INTERLEAVE_TIMEOUT_CHILD=" + mode)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := child("explore"); err != nil {
		t.Fatalf("three explorations of 700ms under a timeout of 1.5s: %v\n%s", err, out)
	}
	start := time.Now()
	out, err := child("hang")
	if err == nil || !strings.Contains(out, "interleave: test binary timed out") || time.Since(start) > 20*time.Second {
		t.Fatalf("a test that hangs outside explorations: %v after %v\n%s", err, time.Since(start), out)
	}
}

// longRun is a program whose every run takes d of wall time: two
// goroutines take a lock in turns until then.
func longRun(d time.Duration) func(*harness.T) {
	return func(t *harness.T) {
		start := time.Now()
		var mu sync.Mutex
		done := rt.MakeChan(make(chan bool))
		for range 2 {
			rt.Go(func() {
				for time.Since(start) < d {
					rt.Lock(&mu)
					rt.Unlock(&mu)
				}
				rt.Send(done, true)
			})
		}
		rt.Recv(done)
		rt.Recv(done)
	}
}

// TestARunPastTheBudgetIsCut: the budget is looked at within a run, not
// only between runs: a run begun within it that goes on as long again
// is cut short, not counted as explored, and the exploration says so.
func TestARunPastTheBudgetIsCut(t *testing.T) {
	var sum harness.Summary
	runs := 0
	start := time.Now()
	harness.Explore(t, func(t *harness.T) {
		runs++
		d := 100 * time.Millisecond
		if runs > 1 {
			d = time.Hour
		}
		longRun(d)(t)
	}, harness.Runs(1000), harness.Time(300*time.Millisecond), harness.MaxSteps(1<<30), harness.Summarize(&sum))
	took := time.Since(start)
	if !sum.Cut || sum.Runs != 2 || took > 5*time.Second {
		t.Fatalf("a second run of an hour under a budget of 300ms: %+v after %v; want 2 runs, the second cut short at about 600ms", sum, took)
	}
}

// TestAFirstRunPastTheTimeoutFailsItsTestAlone: a run that would outlive
// the test's timeout is cut short before it: the test fails, saying why,
// and the binary goes on with the next test instead of dying.
func TestAFirstRunPastTheTimeoutFailsItsTestAlone(t *testing.T) {
	if os.Getenv("INTERLEAVE_TIMEOUT_CHILD") == "first" {
		t.Run("long", func(t *testing.T) {
			harness.Explore(t, longRun(time.Hour), harness.Runs(10), harness.MaxSteps(1<<30))
		})
		t.Run("next", func(t *testing.T) {
			harness.Explore(t, longRun(0), harness.Runs(10))
			t.Log("the next test ran")
		})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAFirstRunPastTheTimeoutFailsItsTestAlone$", "-test.v", "-test.timeout=0", "-interleave.timeout=4s")
	cmd.Env = childEnv("INTERLEAVE_TIMEOUT_CHILD=first")
	start := time.Now()
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err == nil || strings.Contains(out, "panic") || !strings.Contains(out, "the first run was cut short") ||
		!strings.Contains(out, "the next test ran") || !strings.Contains(out, "--- FAIL: TestAFirstRunPastTheTimeoutFailsItsTestAlone/long") ||
		!strings.Contains(out, "--- PASS: TestAFirstRunPastTheTimeoutFailsItsTestAlone/next") {
		t.Fatalf("a first run of an hour under -interleave.timeout=4s: %v after %v\n%s", err, time.Since(start), out)
	}
}

// TestAReplayCutShortIsNoNondeterminism: a failure found close to the
// timeout whose replay the time limit cuts short is reported as the
// failure it is, not as a run that "failed but replayed and passed".
func TestAReplayCutShortIsNoNondeterminism(t *testing.T) {
	if os.Getenv("INTERLEAVE_TIMEOUT_CHILD") == "replay" {
		harness.Explore(t, func(t *harness.T) {
			// One goroutine: millions of steps, no decision to record.
			start := time.Now()
			var mu sync.Mutex
			for time.Since(start) < 2500*time.Millisecond {
				rt.Lock(&mu)
				rt.Unlock(&mu)
			}
			t.Errorf("boom")
		}, harness.Runs(10), harness.MaxSteps(1<<30))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAReplayCutShortIsNoNondeterminism$", "-test.timeout=0", "-interleave.timeout=4s")
	cmd.Env = childEnv("INTERLEAVE_TIMEOUT_CHILD=replay")
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err == nil || !strings.Contains(out, "interleave: assertion: boom") || !strings.Contains(out, "cut short by the time limit") ||
		strings.Contains(out, "nondeterminism") || strings.Contains(out, "panic") {
		t.Fatalf("a failure found 2.5s into a 4s timeout, its replay cut short: %v\n%s", err, out)
	}
}
