package harness_test

import (
	"regexp"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// increments has two goroutines each add 1 to a counter k times under a
// mutex; with split, each increment reads and writes in two critical
// sections (a lost update).
func increments(k int, split bool) func(*harness.T) {
	return func(t *harness.T) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		n := 0
		rt.WaitGroupAdd(&wg, 2)
		for range 2 {
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				for range k {
					if split {
						rt.Lock(&mu)
						v := n
						rt.Unlock(&mu)
						rt.Lock(&mu)
						n = v + 1
						rt.Unlock(&mu)
						continue
					}
					rt.Lock(&mu)
					n++
					rt.Unlock(&mu)
				}
			})
		}
		rt.WaitGroupWait(&wg)
		if n != 2*k {
			t.Errorf("n = %d, want %d", n, 2*k)
		}
	}
}

func exhaust(t *testing.T, body func(*harness.T), s harness.StrategySpec) harness.Summary {
	t.Helper()
	var sum harness.Summary
	if report := explore(t, body, harness.Strategy(s), harness.Summarize(&sum), harness.Runs(1_000_000)); report != "" {
		t.Fatalf("%s: %s", s, report)
	}
	if !sum.Exhaustive {
		t.Fatalf("%s: search not exhaustive: %+v", s, sum)
	}
	return sum
}

// binomial is C(n, k).
func binomial(n, k int) int {
	r := 1
	for i := 1; i <= k; i++ {
		r = r * (n - k + i) / i
	}
	return r
}

func TestExhaustiveSearchCoversEverySchedule(t *testing.T) {
	// With partial order reduction, the schedules that differ are those
	// that order the critical sections differently: the 2k critical
	// sections of two goroutines interleave in C(2k, k) ways (the other
	// steps are independent: goroutine starts, WaitGroup.Done's, which
	// commute). Without, every interleaving of every step is run.
	for _, k := range []int{1, 2, 3} {
		por := exhaust(t, increments(k, false), harness.DFS())
		all := exhaust(t, increments(k, false), harness.BoundedDFS(-1))
		t.Logf("k=%d: %d schedules with partial order reduction (%d runs, %d pruned), %d without", k, por.Schedules, por.Runs, por.Pruned, all.Schedules)
		if want := binomial(2*k, k); por.Schedules != want {
			t.Errorf("k=%d: DFS with partial order reduction ran %d schedules, want C(%d,%d) = %d", k, por.Schedules, 2*k, k, want)
		}
		if por.Schedules >= all.Schedules {
			t.Errorf("k=%d: with reduction %d schedules, without %d: want strictly fewer with", k, por.Schedules, all.Schedules)
		}
	}
}

func TestExhaustiveSearchFindsTheLostUpdateWithOnePreemption(t *testing.T) {
	for _, s := range []harness.StrategySpec{harness.DFS(), harness.BoundedDFS(3)} {
		report := explore(t, increments(3, true), harness.Strategy(s), harness.Runs(1_000_000))
		if !regexp.MustCompile(`^interleave: assertion: n = \d, want 6`).MatchString(report) {
			t.Fatalf("%s: want the lost update, got:\n%s", s, report)
		}
		if !regexp.MustCompile(`trace \(\d+ steps, 1 preemption\)`).MatchString(report) {
			t.Errorf("%s: want a trace with exactly one preemption:\n%s", s, report)
		}
	}
}
