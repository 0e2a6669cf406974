package harness_test

import (
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

func TestFailureKinds(t *testing.T) {
	cases := []struct {
		name string
		body func(t *harness.T)
		opts []harness.Option
		want string // regexp the report must match
	}{
		{"panic in a goroutine", func(t *harness.T) {
			done := rt.MakeChan(make(chan bool))
			rt.Go(func() {
				var m map[string]int
				m["x"] = 1
				rt.Send(done, true)
			})
			rt.Recv(done)
		}, nil, `^interleave: panic: assignment to entry in nil map \(in g1\)\n(?s:.*)failures_test\.go:\d+`},
		{"send on a closed channel", func(t *harness.T) {
			ch := rt.MakeChan(make(chan int, 1))
			var wg sync.WaitGroup
			rt.WaitGroupAdd(&wg, 2)
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				rt.Send(ch, 1)
			})
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				rt.Recv(ch)
				rt.Close(ch)
				rt.Send(ch, 2) // after its own close: a panic on every schedule
			})
			rt.WaitGroupWait(&wg)
		}, nil, `^interleave: panic: send on closed channel \(in g2\)`},
		{"assertion in another goroutine", func(t *harness.T) {
			var wg sync.WaitGroup
			rt.WaitGroupAdd(&wg, 1)
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				t.Errorf("checked in g1")
			})
			rt.WaitGroupWait(&wg)
		}, nil, `^interleave: assertion: checked in g1\n(?s:.*)log:\n  g1: checked in g1\n`},
		{"require in another goroutine ends it", func(t *harness.T) {
			var wg sync.WaitGroup
			rt.WaitGroupAdd(&wg, 1)
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				require.Equal(t, 1, 2, "values")
				t.Errorf("not reached")
			})
			rt.WaitGroupWait(&wg)
		}, nil, `^interleave: assertion: (?s:.*)Not equal(?s:.*)g1 \S+: exited`},
		{"unlock of an unlocked mutex", func(t *harness.T) {
			var mu sync.Mutex
			rt.Unlock(&mu)
		}, nil, `^interleave: panic: fatal error: sync: unlock of unlocked mutex \(in g0\)`},
		{"RUnlock of an unlocked RWMutex", func(t *harness.T) {
			var rw sync.RWMutex
			rt.RUnlock(&rw)
		}, nil, `^interleave: panic: fatal error: sync: RUnlock of unlocked RWMutex`},
		{"negative WaitGroup counter", func(t *harness.T) {
			var wg sync.WaitGroup
			rt.WaitGroupDone(&wg)
		}, nil, `^interleave: panic: sync: negative WaitGroup counter`},
		{"recursive RLock with a writer waiting", func(t *harness.T) {
			var rw sync.RWMutex
			var wg sync.WaitGroup
			rt.WaitGroupAdd(&wg, 1)
			rt.RLock(&rw)
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				rt.RWLock(&rw)
				rt.RWUnlock(&rw)
			})
			rt.Gosched()
			rt.RLock(&rw) // deadlocks once the writer waits
			rt.RUnlock(&rw)
			rt.RUnlock(&rw)
			rt.WaitGroupWait(&wg)
		}, nil, `^interleave: deadlock: (?s:.*)g0: blocked: RLock sync\.RWMutex#1 \(writer g1 waiting\)(?s:.*)g1 \S+: blocked: Lock sync\.RWMutex#1 \(waiting for 1 reader to RUnlock\)`},
		{"lost wakeup: Signal before Wait", func(t *harness.T) {
			var mu sync.Mutex
			c := sync.NewCond(&mu)
			done := rt.MakeChan(make(chan bool))
			rt.Go(func() {
				rt.Lock(&mu)
				rt.CondWait(c) // no condition to check: a Signal before this is lost
				rt.Unlock(&mu)
				rt.Send(done, true)
			})
			rt.CondSignal(c)
			rt.Recv(done)
		}, nil, `^interleave: deadlock: (?s:.*)g1 \S+: blocked: Wait sync\.Cond#1 \(not signaled\)`},
		{"goroutine left blocked on receive", func(t *harness.T) {
			results := rt.MakeChan(make(chan int))
			rt.Go(func() { rt.Send(results, 1) })
			rt.Go(func() { rt.Send(results, 2) })
			rt.Recv(results) // the second sender leaks
		}, nil, `^interleave: leak: 1 goroutine still blocked after the test body returned\n(?s:.*)g[12] \S+: blocked: send on chan#1 at failures_test\.go:\d+`},
		{"invariant", func(t *harness.T) {
			var inside atomic.Int32
			var wg sync.WaitGroup
			rt.WaitGroupAdd(&wg, 2)
			for range 2 {
				rt.Go(func() {
					defer rt.WaitGroupDone(&wg)
					if rt.Int32Add(&inside, 1) > 1 {
						t.Invariantf("mutual exclusion: g%d entered while another goroutine was inside", harness.Goroutine())
					}
					rt.Int32Add(&inside, -1)
				})
			}
			rt.WaitGroupWait(&wg)
		}, nil, `^interleave: invariant: mutual exclusion: g[12] entered while another goroutine was inside\n`},
		{"livelock", func(t *harness.T) {
			var flag atomic.Bool
			for !rt.BoolLoad(&flag) {
			}
		}, []harness.Option{harness.MaxSteps(500)}, `^interleave: step-limit: run went on for 500 steps without progress`},
		{"spinner after the body returned", func(t *harness.T) {
			var flag atomic.Bool
			rt.Go(func() {
				for !rt.BoolLoad(&flag) {
				}
			})
		}, []harness.Option{harness.MaxSteps(500)}, `^interleave: leak: goroutines still running after the test body returned \(500 steps without progress`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := append([]harness.Option{harness.Runs(500)}, c.opts...)
			report := explore(t, c.body, opts...)
			if !regexp.MustCompile(c.want).MatchString(report) {
				t.Fatalf("report does not match %s:\n%s", c.want, report)
			}
			if !strings.Contains(report, "\nreplay: go test ") {
				t.Fatalf("report has no replay line:\n%s", report)
			}
		})
	}
}

func TestWatchdogReportsBlockingOutsideTheHarness(t *testing.T) {
	t.Run("mutex locked by code that is not instrumented", func(t *testing.T) {
		var mu sync.Mutex
		release := make(chan bool)
		mu.Lock() // held outside the exploration
		go func() { <-release; mu.Unlock() }()
		start := time.Now()
		report := explore(t, func(t *harness.T) {
			rt.Go(func() {})
			mu.Lock() // not instrumented: blocks in the runtime
			mu.Unlock()
		}, harness.Watchdog(100*time.Millisecond), harness.Runs(1))
		close(release)
		if !regexp.MustCompile(`^interleave: watchdog: g0 ran 100ms without reaching a scheduling point`).MatchString(report) {
			t.Fatalf("report:\n%s", report)
		}
		if !strings.Contains(report, "failures_test.go") || !strings.Contains(report, "sync.(*Mutex).Lock") {
			t.Fatalf("report does not show the stuck goroutine's stack:\n%s", report)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("watchdog took %v", d)
		}
	})
	t.Run("spinning without a scheduling point", func(t *testing.T) {
		stop := time.Now().Add(5 * time.Second)
		start := time.Now()
		report := explore(t, func(t *harness.T) {
			for time.Now().Before(stop) { // not instrumented: never yields the baton
			}
		}, harness.Watchdog(100*time.Millisecond), harness.Runs(1))
		if !strings.HasPrefix(report, "interleave: watchdog: g0 ran 100ms") {
			t.Fatalf("report:\n%s", report)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Fatalf("watchdog took %v", d)
		}
	})
	t.Run("read of a TCP connection", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		report := explore(t, func(t *harness.T) {
			buf := make([]byte, 1)
			conn.Read(buf) // nobody writes
		}, harness.Watchdog(100*time.Millisecond), harness.Runs(1))
		if !strings.HasPrefix(report, "interleave: watchdog: g0 ran 100ms") || !strings.Contains(report, "net.(*conn).Read") {
			t.Fatalf("report:\n%s", report)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("watchdog took %v", d)
		}
	})
	t.Run("network read", func(t *testing.T) {
		a, b := net.Pipe()
		defer a.Close()
		defer b.Close()
		report := explore(t, func(t *harness.T) {
			buf := make([]byte, 1)
			a.Read(buf)
		}, harness.Watchdog(100*time.Millisecond), harness.Runs(1))
		if !strings.HasPrefix(report, "interleave: watchdog: g0 ran 100ms") || !strings.Contains(report, "net.(*pipe).Read") {
			t.Fatalf("report:\n%s", report)
		}
	})
}

func TestWatchdogWaitsForASubprocess(t *testing.T) {
	// Waiting for a subprocess is a system call that returns of its own
	// accord, after three watchdog periods here: slow, not stuck.
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command on this system")
	}
	report := explore(t, func(t *harness.T) {
		if err := exec.Command(sleep, "0.3").Run(); err != nil {
			t.Errorf("sleep: %v", err)
		}
	}, harness.Watchdog(100*time.Millisecond), harness.Runs(1))
	if report != "" {
		t.Fatalf("report:\n%s", report)
	}
}

func TestOutsideLockIsWaitedFor(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	go func() {
		time.Sleep(20 * time.Millisecond)
		mu.Unlock()
	}()
	report := explore(t, func(t *harness.T) {
		rt.Lock(&mu) // held outside for 20ms: not a deadlock
		rt.Unlock(&mu)
	}, harness.Runs(3))
	if report != "" {
		t.Fatalf("report:\n%s", report)
	}
}

func TestLongRunsFinishPastTheExploredWindow(t *testing.T) {
	// Each run takes some 6,000 steps, three times the explored window of
	// MaxSteps(20000): past the window the fair scheduler finishes it, a
	// spinning goroutine included, without failing, and lets each
	// goroutine make a quantum of transitions in a row, where the
	// strategy switched goroutines every step or two.
	var runs int
	report := explore(t, func(t *harness.T) {
		runs++
		var (
			mu    sync.Mutex
			order []int // which goroutine made each increment
			ready atomic.Bool
			wg    sync.WaitGroup
		)
		rt.WaitGroupAdd(&wg, 2)
		for g := range 2 {
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				for range 1000 {
					rt.Lock(&mu)
					order = append(order, g)
					rt.Unlock(&mu)
				}
			})
		}
		rt.Go(func() {
			rt.WaitGroupWait(&wg)
			rt.BoolStore(&ready, true)
		})
		for !rt.BoolLoad(&ready) { // spins until the others are done
		}
		if len(order) != 2000 {
			t.Errorf("%d increments, want 2000", len(order))
		}
		tail, blocks := order[len(order)/2:], 1
		for i := 1; i < len(tail); i++ {
			if tail[i] != tail[i-1] {
				blocks++
			}
		}
		if avg := len(tail) / blocks; avg < 10 {
			t.Errorf("past the window, a goroutine made %d increments in a row on average, want a fair quantum (about 30)", avg)
		}
	}, harness.MaxSteps(20000), harness.Runs(20))
	if report != "" {
		t.Fatalf("a long run failed:\n%s", report)
	}
	if runs < 20 {
		t.Fatalf("%d runs, want 20", runs)
	}
}

func TestDeadlockAndLeakFreedomAreNamedOptions(t *testing.T) {
	deadlock := func(t *harness.T) {
		var mu sync.Mutex
		rt.Lock(&mu)
		rt.Lock(&mu)
	}
	leak := func(t *harness.T) {
		ch := rt.MakeChan(make(chan int))
		rt.Go(func() { rt.Send(ch, 1) })
	}
	if r := explore(t, deadlock, harness.DeadlockFree(true)); !strings.HasPrefix(r, "interleave: deadlock:") {
		t.Errorf("DeadlockFree(true): %q", firstLine(r))
	}
	if r := explore(t, deadlock, harness.DeadlockFree(false)); r != "" {
		t.Errorf("DeadlockFree(false): %q", firstLine(r))
	}
	if r := explore(t, leak, harness.LeakFree(true)); !strings.HasPrefix(r, "interleave: leak:") {
		t.Errorf("LeakFree(true): %q", firstLine(r))
	}
	if r := explore(t, leak, harness.LeakFree(false)); r != "" {
		t.Errorf("LeakFree(false): %q", firstLine(r))
	}
}

func TestVerifyRunsAfterTheRun(t *testing.T) {
	// A lost update checked after the run: the check sees the final
	// state, and its error is the run's failure, replayable.
	body := func(t *harness.T) {
		var n int
		var wg sync.WaitGroup
		var mu sync.Mutex
		rt.WaitGroupAdd(&wg, 2)
		for range 2 {
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				rt.Lock(&mu)
				v := n
				rt.Unlock(&mu)
				rt.Lock(&mu)
				n = v + 1
				rt.Unlock(&mu)
			})
		}
		rt.WaitGroupWait(&wg)
		t.Verify(func() error {
			if harness.Goroutine() != -1 {
				return fmt.Errorf("the check ran inside the run")
			}
			if n != 2 {
				return fmt.Errorf("n = %d after two increments", n)
			}
			return nil
		})
	}
	report := explore(t, body, harness.Runs(200))
	if !strings.HasPrefix(report, "interleave: invariant: n = 1 after two increments\n") {
		t.Fatalf("report:\n%s", report)
	}
	tok := replayToken(t, report)
	if got := firstLine(explore(t, body, harness.Replay(tok))); got != "interleave: invariant: n = 1 after two increments" {
		t.Fatalf("replay: %q", got)
	}
}

// TestLongTracesAreCut: the report of a run of 100,000 steps shows its
// start and its end, not every step.
func TestLongTracesAreCut(t *testing.T) {
	report := explore(t, func(t *harness.T) {
		var flag atomic.Bool
		for !rt.BoolLoad(&flag) {
		}
	}, harness.MaxSteps(100_000))
	if !strings.HasPrefix(report, "interleave: step-limit: run went on for 100000 steps without progress") {
		t.Fatalf("got report\n%s", firstLine(report))
	}
	if n := strings.Count(report, "\n"); n > 300 {
		t.Errorf("the report of a 100,000-step run has %d lines, want at most 300", n)
	}
	if !strings.Contains(report, "trace (100000 steps") || !regexp.MustCompile(`\.\.\. \d+ steps not shown`).MatchString(report) {
		t.Errorf("the report does not say it cut its trace:\n%s", report)
	}
}

// TestLongRunsThatProgressAreNotLivelocks: a run that goes past MaxSteps
// while its goroutines finish work (WaitGroup.Done, goroutines ending) is a
// long test, not a livelock; past ProgressCap times MaxSteps it fails.
func TestLongRunsThatProgressAreNotLivelocks(t *testing.T) {
	work := func(tasks int) func(*harness.T) {
		return func(t *harness.T) {
			var mu sync.Mutex
			var wg sync.WaitGroup
			for range tasks {
				rt.WaitGroupAdd(&wg, 1)
				rt.Go(func() {
					defer rt.WaitGroupDone(&wg)
					rt.Lock(&mu)
					rt.Unlock(&mu)
				})
			}
			rt.WaitGroupWait(&wg)
		}
	}
	// About 5 steps a task: 2,000 tasks are 10,000 steps, ten times the
	// limit.
	if r := explore(t, work(2000), harness.MaxSteps(1000), harness.Runs(3)); r != "" {
		t.Errorf("a run of 10,000 steps that makes progress failed with MaxSteps(1000):\n%s", firstLine(r))
	}
	r := explore(t, work(2000), harness.MaxSteps(200), harness.Runs(1))
	if want := "interleave: step-limit: run went on for 4000 steps in all (20 times the step limit)"; !strings.HasPrefix(r, want) {
		t.Errorf("past 20 times MaxSteps(200): got %q, want %q", firstLine(r), want)
	}
}
