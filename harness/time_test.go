package harness_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// acquireWithTimeout is the program of "the timeout fires just before the
// release": goroutine A acquires a one-slot semaphore with a 10ms timeout,
// while B, which holds it, releases it after sleeping 5ms.
func acquireWithTimeout() string {
	sem := rt.MakeChan(make(chan struct{}, 1))
	rt.Send(sem, struct{}{}) // B holds the permit
	result := rt.MakeChan(make(chan string, 1))
	rt.Go(func() { // A
		ctx, cancel := rt.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		switch rt.Select(false, rt.SendCase(sem, struct{}{}), rt.RecvCase(ctx.Done(), nil, nil)) {
		case 0:
			rt.Send(result, "acquired")
		case 1:
			rt.Send(result, "timed out: "+ctx.Err().Error())
		}
	})
	rt.Go(func() { // B
		rt.Sleep(5 * time.Millisecond)
		rt.Recv(sem)
	})
	return rt.Recv(result)
}

func TestTimeoutIsExploredBothWays(t *testing.T) {
	for _, s := range []harness.StrategySpec{harness.Random(), harness.PCT(3)} {
		got := keys(outcomes(t, func(t *harness.T) string { return acquireWithTimeout() }, harness.Strategy(s), harness.Runs(300)))
		want := []string{"acquired", "timed out: context deadline exceeded"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: outcomes %q, want %q", s, got, want)
		}
	}
	// Each outcome has a token that reproduces it.
	for _, outcome := range []string{"acquired", "timed out: context deadline exceeded"} {
		body := func(t *harness.T) {
			if got := acquireWithTimeout(); got == outcome {
				t.Errorf("outcome %s", got)
			}
		}
		report := explore(t, body, harness.Runs(300))
		if !strings.HasPrefix(report, "interleave: assertion: outcome "+outcome) {
			t.Fatalf("exploring for %q:\n%s", outcome, report)
		}
		tok := replayToken(t, report)
		for range 10 {
			if got := firstLine(explore(t, body, harness.Replay(tok))); got != "interleave: assertion: outcome "+outcome {
				t.Fatalf("replay of %q gives %q", outcome, got)
			}
		}
	}
}

func TestVirtualClock(t *testing.T) {
	report := explore(t, func(t *harness.T) {
		start := rt.Now()
		rt.Sleep(time.Hour)
		// Reads of the clock take a nanosecond each (engine.ReadCost).
		near := func(d, want time.Duration) bool { return d >= want && d < want+time.Microsecond }
		if d := rt.Since(start); !near(d, time.Hour) {
			t.Errorf("after Sleep(1h): Since = %v, want 1h and a few reads", d)
		}
		// The timer may fire before Stop (the clock moved on while g0
		// could run) or not; either way nothing is received after Stop.
		timer := rt.NewTimer(time.Minute)
		stopped := rt.TimerStop(timer)
		if rt.Select(true, rt.RecvCase(timer.C, nil, nil)) == 0 {
			t.Errorf("a value was received after Stop")
		}
		if rt.TimerReset(timer, time.Second) {
			t.Errorf("Reset of a stopped timer = true, want false")
		}
		fired := rt.Recv(timer.C)
		want := start.Add(time.Hour + time.Second)
		if !stopped {
			want = want.Add(time.Minute)
		}
		if !near(fired.Sub(want), 0) {
			t.Errorf("timer fired at %v, want %v (stopped before firing: %v)", fired, want, stopped)
		}
		before := rt.Now()
		tick := rt.NewTicker(time.Second)
		for range 3 {
			rt.Recv(tick.C)
		}
		rt.TickerStop(tick) // a fourth tick may come before the Stop
		if d := rt.Since(before); !near(d, 3*time.Second) && !near(d, 4*time.Second) {
			t.Errorf("3 ticks of a 1s ticker, then Stop: %v passed, want 3s or 4s", d)
		}
		done := rt.MakeChan(make(chan bool))
		rt.AfterFunc(time.Millisecond, func() { rt.Send(done, true) })
		rt.Recv(done)
		rt.Recv(rt.After(-1))
	}, harness.Runs(200))
	if report != "" {
		t.Fatal(report)
	}
}

func TestContextDeadlineReachesChildren(t *testing.T) {
	report := explore(t, func(t *harness.T) {
		parent, cancel := rt.WithTimeout(context.Background(), time.Second)
		defer cancel()
		child, cancelChild := rt.WithCancel(parent)
		defer cancelChild()
		std, cancelStd := context.WithCancel(parent) // built by the context package on ours
		defer cancelStd()
		cause := errors.New("too slow")
		withCause, cancelCause := rt.WithTimeoutCause(parent, time.Hour, cause)
		defer cancelCause()
		rt.Recv(child.Done())
		rt.Recv(std.Done())
		for name, c := range map[string]context.Context{"parent": parent, "child": child, "std": std} {
			if !errors.Is(c.Err(), context.DeadlineExceeded) {
				t.Errorf("%s: Err() = %v, want DeadlineExceeded", name, c.Err())
			}
		}
		if d, ok := withCause.Deadline(); !ok || !d.Equal(mustDeadline(parent)) {
			t.Errorf("a later deadline under an earlier one: Deadline() = %v, %v, want the parent's", d, ok)
		}
		if got := context.Cause(parent); got != context.DeadlineExceeded {
			t.Errorf("Cause(parent) = %v, want DeadlineExceeded", got)
		}
		ctx, cancelIt := rt.WithCancelCause(context.Background())
		cancelIt(cause)
		if got := context.Cause(ctx); got != cause {
			t.Errorf("Cause after cancel(cause) = %v, want %v", got, cause)
		}
		if ctx.Err() != context.Canceled {
			t.Errorf("Err after cancel = %v, want Canceled", ctx.Err())
		}
		ran := rt.MakeChan(make(chan bool, 1))
		rt.ContextAfterFunc(ctx, func() { rt.Send(ran, true) })
		rt.Recv(ran)
	}, harness.Runs(50))
	if report != "" {
		t.Fatal(report)
	}
}

func mustDeadline(c context.Context) time.Time {
	d, _ := c.Deadline()
	return d
}

// TestTimeDoesNotRunBackwardsAcrossExplorations: what outlives a run (a
// breaker a parent test made, opened by one subtest's runs at their
// virtual time, read by the next subtest's) sees time move on, as on a
// machine: an exploration's clock starts after the latest time an earlier
// run's reached, and after the real clock.
func TestTimeDoesNotRunBackwardsAcrossExplorations(t *testing.T) {
	var last time.Time
	opened := func(t *harness.T) {
		rt.Sleep(90 * time.Second) // a breaker's timeout
		last = rt.Now()
	}
	if report := explore(t, opened, harness.Runs(1)); report != "" {
		t.Fatal(report)
	}
	later := func(t *harness.T) {
		if now := rt.Now(); !now.After(last) {
			t.Errorf("the next exploration's clock reads %v, before %v, which the last one reached", now, last)
		}
	}
	if report := explore(t, later, harness.Runs(1)); report != "" {
		t.Fatal(report)
	}
	if !last.After(time.Now()) {
		t.Fatalf("a run that slept 90s of virtual time ended at %v, before the real clock", last)
	}
}

// TestBlockedBesideATickerIsADeadlock: a run whose goroutines are blocked
// for ever but for one that a ticker wakes (a pool's purger) makes no
// progress and never ends; that is a deadlock of the others, reported as
// one, not a livelock.
func TestBlockedBesideATickerIsADeadlock(t *testing.T) {
	report := explore(t, func(t *harness.T) {
		never := rt.MakeChan(make(chan int))
		stop := rt.MakeChan(make(chan struct{}))
		tick := rt.NewTicker(time.Second)
		rt.Go(func() {
			for {
				if rt.Select(false, rt.RecvCase(tick.C, nil, nil), rt.RecvCase(stop, nil, nil)) == 1 {
					return
				}
			}
		})
		rt.Recv(never) // what the purger does not send
		rt.Close(stop)
	}, harness.Runs(1), harness.MaxSteps(10_000))
	if want := "interleave: deadlock: all goroutines are blocked but those that timers wake"; !strings.HasPrefix(report, want) {
		t.Fatalf("got:\n%s\nwant a report that begins %q", report, want)
	}
}

// TestASpinBesideATickerIsALivelockAtTheLimit: at the step limit a
// pending one-shot timer fires in place of a livelock (what a loop may
// wait for), a ticker does not (one is always pending beside a pool's
// purger): a loop that spins beside a ticker fails at the limit, not at
// twenty times it.
func TestASpinBesideATickerIsALivelockAtTheLimit(t *testing.T) {
	report := explore(t, func(t *harness.T) {
		var mu sync.Mutex
		tick := rt.NewTicker(time.Hour)
		rt.Go(func() {
			for {
				rt.Recv(tick.C) // a purger
			}
		})
		for {
			rt.Lock(&mu)
			rt.Unlock(&mu)
		}
	}, harness.Runs(1), harness.MaxSteps(10_000))
	if want := "interleave: step-limit: run went on for 10000 steps without progress"; !strings.HasPrefix(report, want) {
		t.Fatalf("got:\n%s\nwant a report that begins %q", firstLine(report), want)
	}
	if m := regexp.MustCompile(`trace \((\d+) steps`).FindStringSubmatch(report); m == nil || len(m[1]) > 5 {
		t.Fatalf("want a run of about 10,000 steps, not twenty times that:\n%s", report[:min(len(report), 600)])
	}
}

// TestNowAndRandReplayExactly: a replay draws the same numbers and reads
// the same durations off the clock; and its clock starts after the real
// clock's readings made before it (a replay in a later process starts
// later than the token's run did, not in the past).
func TestNowAndRandReplayExactly(t *testing.T) {
	before := time.Now()
	body := func(t *harness.T) {
		start := rt.Now()
		if start.Before(before) {
			t.Fatalf("the run's clock starts at %v, before a reading of the real clock made before it, %v", start, before)
		}
		rt.Sleep(time.Millisecond)
		var picks []int
		ch := rt.MakeChan(make(chan int, 2))
		for range 2 {
			rt.Go(func() { rt.Send(ch, rt.RandV2().IntN(1000)) })
		}
		picks = append(picks, rt.Recv(ch), rt.Recv(ch), rt.RandV1().Intn(1000))
		t.Errorf("after %v picks %v", rt.Since(start), picks)
	}
	report := explore(t, body, harness.Runs(5))
	tok := replayToken(t, report)
	want := firstLine(report)
	for i := range 100 {
		if got := firstLine(explore(t, body, harness.Replay(tok))); got != want {
			t.Fatalf("replay %d: %q, want %q", i, got, want)
		}
	}
}

// BenchmarkSleepHour is a run in which two goroutines each sleep an hour
// of virtual time, in 60 sleeps of a minute: it takes microseconds.
func BenchmarkSleepHour(b *testing.B) {
	start := time.Now()
	harness.Explore(b, func(t *harness.T) {
		begin := rt.Now()
		done := rt.MakeChan(make(chan bool))
		rt.Go(func() {
			for range 60 {
				rt.Sleep(time.Minute)
			}
			rt.Send(done, true)
		})
		for range 60 {
			rt.Sleep(time.Minute)
		}
		rt.Recv(done)
		if d := rt.Since(begin); d < time.Hour || d > 2*time.Hour {
			t.Errorf("virtual time passed: %v, want between 1h and 2h", d)
		}
	}, harness.Runs(b.N), harness.Time(time.Hour))
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N)/1e3, "µs/run")
}

// safetyTimeout is a test's guard against a hang: a worker that can run at
// once answers, after work that takes the time of a sleep (0: none), and
// the test gives up after timeout.
func safetyTimeout(work, timeout time.Duration) string {
	done := rt.MakeChan(make(chan bool))
	rt.Go(func() {
		if work > 0 {
			rt.Sleep(work)
		}
		rt.Send(done, true)
	})
	switch rt.Select(false, rt.RecvCase(done, nil, nil), rt.RecvCase(rt.After(timeout), nil, nil)) {
	case 0:
		return "answered"
	default:
		rt.Recv(done)
		return "timed out"
	}
}

func TestLatencyBoundsHowLongAReadyGoroutineWaits(t *testing.T) {
	cases := []struct {
		work, timeout time.Duration
		opts          []harness.Option
		want          []string
	}{
		// By default a goroutine that can run runs before the clock
		// moves: a worker with nothing to wait for answers in time.
		{0, 100 * time.Millisecond, nil, []string{"answered"}},
		// But the end of a sleep may come up to ten times its duration
		// late: 20ms of work may take the 100ms of the timeout, not the
		// second of a safety timeout.
		{20 * time.Millisecond, 100 * time.Millisecond, nil, []string{"answered", "timed out"}},
		{20 * time.Millisecond, time.Second, nil, []string{"answered"}},
		// Latency(d) lets any goroutine that can run wait up to d.
		{0, 100 * time.Millisecond, []harness.Option{harness.Latency(time.Second)}, []string{"answered", "timed out"}},
		{0, 10 * time.Second, []harness.Option{harness.Latency(time.Second)}, []string{"answered"}},
		{0, 10 * time.Second, []harness.Option{harness.Latency(time.Minute)}, []string{"answered", "timed out"}},
		// Latency(0): the clock moves only when nobody can run.
		{0, time.Nanosecond, []harness.Option{harness.Latency(0)}, []string{"answered"}},
		{20 * time.Millisecond, 100 * time.Millisecond, []harness.Option{harness.Latency(0)}, []string{"answered"}},
	}
	for _, c := range cases {
		opts := append([]harness.Option{harness.Runs(300)}, c.opts...)
		got := keys(outcomes(t, func(t *harness.T) string { return safetyTimeout(c.work, c.timeout) }, opts...))
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("work %v, timeout %v, options %v: outcomes %q, want %q", c.work, c.timeout, c.opts, got, c.want)
		}
	}
}

// TestTimingAssumptionsSaySo: a failure that needs a goroutine able to go
// on to wait for its turn while a timer fires says so in its first lines,
// with the goroutine, where it waited, for how long and the latency under
// which it would not happen; a failure that shows without such a wait is
// reported from a run without one.
func TestTimingAssumptionsSaySo(t *testing.T) {
	body := func(work time.Duration) func(t *harness.T) {
		return func(t *harness.T) {
			if safetyTimeout(work, 100*time.Millisecond) == "timed out" {
				t.Errorf("timed out")
			}
		}
	}
	// A runnable goroutine held back, under a latency that allows it.
	report := explore(t, body(0), harness.Runs(500), harness.Latency(time.Second))
	lines := strings.SplitN(report, "\n", 3)
	if len(lines) < 3 || lines[0] != "interleave: assertion: timed out" ||
		!regexp.MustCompile(`^timing: needs g1, able to go on at time_test\.go:\d+ from \+0s, to wait 100ms for its turn while a timer started at time_test\.go:\d+ fired \(step \d+\); no run takes this schedule with -latency=100ms or less \(this one: -latency=1s\)`).MatchString(lines[1]) {
		t.Fatalf("got report:\n%s", report)
	}
	// 20ms of work that takes 80ms longer, by default.
	report = explore(t, body(20*time.Millisecond), harness.Runs(500))
	lines = strings.SplitN(report, "\n", 3)
	if len(lines) < 3 || lines[0] != "interleave: assertion: timed out" ||
		!regexp.MustCompile(`^timing: needs the 20ms wait of g1 to end 80ms late \(at \+100ms; it goes on at time_test\.go:\d+\) while a timer started at time_test\.go:\d+ fired \(step \d+\); no run takes this schedule with -latency=80ms or less \(this one: the automatic latency\)`).MatchString(lines[1]) {
		t.Fatalf("got report:\n%s", report)
	}

	// A lost update beside a sleeper: schedules that hold the sleeper
	// back show it, but so do schedules that hold nobody back.
	for seed := range uint64(5) {
		report = explore(t, func(t *harness.T) {
			var wg sync.WaitGroup
			var n atomic.Int32
			rt.WaitGroupAdd(&wg, 3)
			rt.Go(func() { defer rt.WaitGroupDone(&wg); rt.Sleep(time.Millisecond) })
			for range 2 {
				rt.Go(func() {
					defer rt.WaitGroupDone(&wg)
					v := rt.Int32Load(&n)
					rt.Int32Store(&n, v+1)
				})
			}
			rt.WaitGroupWait(&wg)
			if rt.Int32Load(&n) != 2 {
				t.Errorf("lost update")
			}
		}, harness.Strategy(harness.Random()), harness.Seed(seed))
		if !strings.HasPrefix(report, "interleave: assertion: lost update\nfound in") {
			t.Fatalf("seed %d: got report:\n%s", seed, report)
		}
	}
}

// TestSpinningOnTheClockLetsTimePass: a goroutine that waits for time to
// pass by reading the clock (a cache entry checked until it expires,
// under a lock, while a ticker's goroutine reaps; a helper burning CPU
// until time.Since reaches d) gets there, as on a machine, instead of
// spinning to the step limit; a burst of a few hundred reads still sees
// the clock stand still.
func TestSpinningOnTheClockLetsTimePass(t *testing.T) {
	expiry := func(t *harness.T) {
		var mu sync.Mutex
		expires := rt.Now().Add(5 * time.Millisecond)
		tick := rt.NewTicker(50 * time.Microsecond)
		stop := rt.MakeChan(make(chan struct{}))
		reaped := 0
		rt.Go(func() {
			for {
				switch rt.Select(false, rt.RecvCase(tick.C, nil, nil), rt.RecvCase(stop, nil, nil)) {
				case 0:
					rt.Lock(&mu)
					reaped++
					rt.Unlock(&mu)
				case 1:
					rt.TickerStop(tick)
					return
				}
			}
		})
		for {
			rt.Lock(&mu)
			live := rt.Now().Before(expires)
			rt.Unlock(&mu)
			if !live {
				break
			}
		}
		rt.Close(stop)
		if waited := rt.Since(expires); waited < 0 || waited > time.Millisecond {
			t.Errorf("the loop saw the entry expire %v after its deadline, want at most 1ms", waited)
		}
	}
	if report := explore(t, expiry, harness.Runs(20)); report != "" {
		t.Fatalf("checking an entry until it expires:\n%s", report)
	}
	burn := func(t *harness.T) {
		start := rt.Now()
		for rt.Since(start) < 200*time.Millisecond {
		}
	}
	if report := explore(t, burn, harness.Runs(5)); report != "" {
		t.Fatalf("burning CPU for 200ms:\n%s", report)
	}
	burst := func(t *harness.T) {
		start := rt.Now()
		for range 500 {
			rt.Now()
		}
		if d := rt.Since(start); d != 501*time.Nanosecond {
			t.Errorf("500 reads of the clock took %v, want %v: a read's cost, no sleep", d, 501*time.Nanosecond)
		}
	}
	if report := explore(t, burst, harness.Runs(5)); report != "" {
		t.Fatalf("a burst of reads:\n%s", report)
	}
}

// TestBusyLoopsLetTimersFire: goroutines that go on and on without
// blocking (a select with a default case polling a channel that
// time.AfterFunc closes, under a lock, as stress tests run for a
// duration) take time on a machine, and the timer fires there; in a run
// too, once StallSteps steps have gone by since the clock last moved,
// instead of spinning to the step limit as a livelock; and when the limit
// comes first, the timer fires then. A loop with no timer to wait for is
// still one.
func TestBusyLoopsLetTimersFire(t *testing.T) {
	stress := func(d time.Duration) func(*harness.T) {
		return func(t *harness.T) {
			var mu sync.Mutex
			var wg sync.WaitGroup
			done := rt.MakeChan(make(chan struct{}))
			start := rt.Now()
			for range 2 {
				rt.WaitGroupAdd(&wg, 1)
				rt.Go(func() {
					defer rt.WaitGroupDone(&wg)
					for {
						if rt.Select(true, rt.RecvCase(done, nil, nil)) == 0 {
							return
						}
						rt.Lock(&mu)
						rt.Unlock(&mu)
					}
				})
			}
			rt.AfterFunc(d, func() { rt.Close(done) })
			rt.WaitGroupWait(&wg)
			if took := rt.Since(start); took < d || took > d+d/2 {
				t.Errorf("the loops stopped %v after they began, want %v (and not much later)", took, d)
			}
		}
	}
	var sum harness.Summary
	if report := explore(t, stress(100*time.Millisecond), harness.Runs(10), harness.Summarize(&sum)); report != "" {
		t.Fatalf("two loops polling a channel closed after 100ms:\n%s", report)
	}
	// At a microsecond a step, 100ms is 100,000 steps between both loops
	// (3 a turn), far below the step limit; not much more either.
	if steps := sum.Steps / sum.Runs; steps < 90_000 || steps > 200_000 {
		t.Errorf("a run took %d steps, want about 100,000", steps)
	}
	// A loop that runs longer than the step limit at a microsecond a step
	// (a second under MaxSteps(50,000)): when the limit comes, the timer it
	// waits for fires.
	if report := explore(t, stress(time.Second), harness.Runs(3), harness.MaxSteps(50_000), harness.Summarize(&sum)); report != "" {
		t.Fatalf("two loops polling a channel closed after 1s, under MaxSteps(50000):\n%s", report)
	}
	if steps := sum.Steps / sum.Runs; steps < 50_000 || steps > 60_000 {
		t.Errorf("a run took %d steps, want about 50,000", steps)
	}
	spin := func(t *harness.T) {
		var mu sync.Mutex
		rt.AfterFunc(time.Millisecond, func() {})
		for {
			rt.Lock(&mu)
			rt.Unlock(&mu)
		}
	}
	if report := explore(t, spin, harness.Runs(1), harness.MaxSteps(20_000)); !strings.HasPrefix(report, "interleave: step-limit:") {
		t.Fatalf("a loop that nothing ends, with a timer that does not end it: want a step-limit failure, got:\n%s", report)
	}
}

// TestATickerLeftRunningIsALeakAtOnce: a goroutine that the body leaves
// waiting on a ticker nobody stops never ends; the run ends with a leak a
// second of virtual time after the body returned, instead of ticking on
// to the step limit (a million steps of a run, each of them shrunk and
// replayed). A goroutine that ends within that second, after a sleep, is
// no leak.
func TestATickerLeftRunningIsALeakAtOnce(t *testing.T) {
	reaper := func(t *harness.T) {
		tick := rt.NewTicker(time.Millisecond)
		rt.Go(func() {
			for {
				rt.Recv(tick.C)
			}
		})
	}
	report := explore(t, reaper, harness.Runs(5))
	if got, want := firstLine(report), "interleave: leak: 1 goroutine still blocked after the test body returned (for 1s; what only a later timer would wake was left waiting)"; got != want {
		t.Fatalf("got %q, want %q:\n%s", got, want, report)
	}
	if m := regexp.MustCompile(`trace \((\d+) steps`).FindStringSubmatch(report); m == nil || len(m[1]) > 4 {
		t.Fatalf("want a trace of a few thousand steps at most:\n%s", report)
	}
	late := func(t *harness.T) {
		rt.Go(func() { rt.Sleep(300 * time.Millisecond) })
	}
	if report := explore(t, late, harness.Runs(5)); report != "" {
		t.Fatalf("a goroutine that ends 300ms after the body:\n%s", report)
	}
}

// TestAFindingThatNeedsNoLateWakeSaysNoTiming: under the automatic
// latency, a failure found on a schedule in which a goroutine woke late
// (a reaper's tick held while the body's sleep ended) but that shows on
// schedules without any such wait (the reaper is never stopped: a leak on
// every schedule) is reported from one of those, with no timing line: it
// is no timing assumption.
func TestAFindingThatNeedsNoLateWakeSaysNoTiming(t *testing.T) {
	body := func(t *harness.T) {
		var mu sync.Mutex
		tick := rt.NewTicker(1500 * time.Microsecond)
		rt.Go(func() {
			for {
				rt.Recv(tick.C)
				rt.Lock(&mu)
				rt.Unlock(&mu)
			}
		})
		rt.Sleep(100 * time.Millisecond)
		rt.Lock(&mu)
		rt.Unlock(&mu)
	}
	report := explore(t, body, harness.Runs(50))
	if !strings.HasPrefix(report, "interleave: leak: 1 goroutine still blocked") {
		t.Fatalf("want the reaper's leak:\n%s", report)
	}
	if strings.Contains(report, "timing:") || !strings.Contains(report, "found again with -latency=0") {
		t.Fatalf("the leak needs no late wake; want it reported from a run without one:\n%s", report)
	}
}

// box is an object with a finalizer: big enough, and with a pointer, to
// be allocated and collected on its own.
type box struct {
	p   *int
	buf [64]byte
}

// TestAJanitorStoppedByAFinalizerIsNoLeak: a goroutine that stops when
// an object is collected (patrickmn/go-cache's janitor: a finalizer of
// the cache tells it to) is no leak: once the body has returned and
// every goroutine is blocked, garbage is collected and the finalizer
// runs, as in a process that lives on.
func TestAJanitorStoppedByAFinalizerIsNoLeak(t *testing.T) {
	fail := false
	body := func(t *harness.T) {
		stop := rt.MakeChan(make(chan bool))
		tick := rt.NewTicker(time.Millisecond)
		rt.Go(func() {
			for rt.Select(false, rt.RecvCase(tick.C, nil, nil), rt.RecvCase(stop, nil, nil)) == 0 {
			}
			rt.TickerStop(tick)
		})
		b := &box{p: new(int)}
		rt.SetFinalizer(b, func(*box) { rt.Send(stop, true) })
		if fail {
			t.Fatalf("a failure: the run ends, and its goroutines with it")
		}
	}
	if report := explore(t, body, harness.Runs(20)); report != "" {
		t.Fatalf("a janitor that a finalizer stops:\n%s", report)
	}
	// A run that fails ends its goroutines; the finalizer, run later,
	// does nothing, instead of blocking the process's finalizer
	// goroutine on a send to a janitor that is gone.
	fail = true
	if report := explore(t, body, harness.Runs(20)); !strings.HasPrefix(report, "interleave: assertion: a failure") {
		t.Fatalf("want the assertion:\n%s", report)
	}
	for range 3 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "TestAJanitorStoppedByAFinalizerIsNoLeak.func1.2") {
		t.Fatalf("a finalizer of an ended run is blocked:\n%s", stacks)
	}
}
