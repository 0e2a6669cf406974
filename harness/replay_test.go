package harness_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// traceOf cuts a report down to its trace and goroutine states, the part
// that must be identical from replay to replay.
func traceOf(report string) string {
	i := strings.Index(report, "\ntrace (")
	j := strings.Index(report, "\nreplay: ")
	if i < 0 || j < i {
		return ""
	}
	return report[i:j]
}

// pipeline is a program with channels, a select and a mutex, and a bug
// that needs a particular order: the consumer sees quit while values are
// still buffered.
func pipeline(t *harness.T) {
	in := rt.MakeChan(make(chan int, 3))
	out := rt.MakeChan(make(chan int, 1))
	quit := rt.MakeChan(make(chan bool))
	var mu sync.Mutex
	total := 0
	rt.Go(func() {
		for i := 1; i <= 3; i++ {
			rt.Send(in, i)
		}
		rt.Close(quit)
	})
	rt.Go(func() {
		for {
			var v int
			switch rt.Select(false, rt.RecvCase(in, &v, nil), rt.RecvCase(quit, nil, nil)) {
			case 0:
				rt.Lock(&mu)
				total += v
				rt.Unlock(&mu)
			case 1:
				rt.Send(out, 0)
				return
			}
		}
	})
	rt.Recv(out)
	rt.Lock(&mu)
	if total != 6 {
		t.Errorf("total = %d, want 6", total)
	}
	rt.Unlock(&mu)
}

func TestReplayIsExact(t *testing.T) {
	programs := map[string]func(*harness.T){"abba": abba, "pipeline": pipeline}
	for name, body := range programs {
		for _, s := range []harness.StrategySpec{harness.Random(), harness.PCT(3)} {
			t.Run(name+"/"+s.String(), func(t *testing.T) {
				report := explore(t, body, harness.Strategy(s), harness.Runs(2000))
				if report == "" {
					t.Fatalf("no failure found")
				}
				tok := replayToken(t, report)
				want := traceOf(report)
				if want == "" {
					t.Fatalf("report has no trace:\n%s", report)
				}
				for i := range 100 {
					got := explore(t, body, harness.Replay(tok))
					if firstLine(got) != firstLine(report) || traceOf(got) != want {
						t.Fatalf("replay %d differs from the report:\n%s\nwant:\n%s", i, got, report)
					}
				}
			})
		}
	}
}

func TestReplayRejectsBadTokens(t *testing.T) {
	good := replayToken(t, explore(t, abba, harness.Runs(1000)))
	cases := map[string]string{
		"garbage":          "malformed schedule token",
		good[:len(good)-3]: "malformed schedule token",
		"AQ":               "too short",
	}
	for tok, want := range cases {
		got := explore(t, abba, harness.Replay(tok))
		if !strings.Contains(got, want) {
			t.Errorf("replay of %q: report %q, want it to mention %q", tok, got, want)
		}
	}
	// A token of another test is an error, not another run.
	var other string
	t.Run("other", func(t *testing.T) { other = replayToken(t, explore(t, abba, harness.Runs(1000))) })
	if got := explore(t, abba, harness.Replay(other)); !strings.Contains(got, "recorded for another test") {
		t.Errorf("replay of another test's token: %q", got)
	}
}

func TestReplayOfAFixedProgramPasses(t *testing.T) {
	tok := replayToken(t, explore(t, abba, harness.Runs(1000)))
	fixed := func(t *harness.T) {
		var a, b sync.Mutex
		var wg sync.WaitGroup
		rt.WaitGroupAdd(&wg, 2)
		for range 2 {
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				rt.Lock(&a)
				rt.Lock(&b)
				rt.Unlock(&b)
				rt.Unlock(&a)
			})
		}
		rt.WaitGroupWait(&wg)
	}
	rec := &recorder{TB: t}
	harness.Explore(rec, fixed, harness.Replay(tok))
	if len(rec.errors) != 0 || len(rec.logs) != 1 || !strings.HasPrefix(rec.logs[0], "interleave: replayed schedule passed") {
		t.Fatalf("replaying a deadlock's token on the fixed program: errors %q, logs %q", rec.errors, rec.logs)
	}
}

func TestNondeterministicBodyIsReported(t *testing.T) {
	calls := 0
	report := explore(t, func(t *harness.T) {
		calls++
		if calls == 1 {
			t.Errorf("only the first run fails")
		}
	})
	if !strings.HasPrefix(report, "interleave: nondeterminism: a run failed at step 1 (assertion: only the first run fails), but its schedule replayed and passed (1 step") {
		t.Fatalf("report:\n%s", report)
	}
}

// TestTokenCarriesTheLatency: a leak that needs a timer to fire ahead of a
// ready goroutine, found under Latency(15ms), still replays from its token
// in an exploration set to Latency(0), under which the timer could never
// fire first: the token, not the options of the replay, says how the run
// went.
func TestTokenCarriesTheLatency(t *testing.T) {
	body := func(t *harness.T) {
		ch := rt.MakeChan(make(chan int))
		rt.Go(func() {
			rt.Sleep(10 * time.Millisecond)
			rt.Send(ch, 1) // blocked for good when the select timed out
		})
		rt.Select(false, rt.RecvCase(ch, nil, nil), rt.RecvCase(rt.After(20*time.Millisecond), nil, nil))
	}
	if report := explore(t, body, harness.Latency(0), harness.Runs(300)); report != "" {
		t.Fatalf("under Latency(0) the program cannot leak, got:\n%s", report)
	}
	found := explore(t, body, harness.Latency(15*time.Millisecond), harness.Runs(300))
	if !strings.HasPrefix(found, "interleave: leak: ") {
		t.Fatalf("under Latency(15ms): got report\n%s\nwant a leak", found)
	}
	again := explore(t, body, harness.Latency(0), harness.Replay(replayToken(t, found)))
	if firstLine(again) != firstLine(found) || traceOf(again) != traceOf(found) {
		t.Fatalf("replayed under Latency(0): got\n%s\nwant\n%s", again, found)
	}
}
