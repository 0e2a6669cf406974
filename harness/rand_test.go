package harness_test

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// A draw of math/rand is a decision like the choice of the goroutine that
// runs next: real code draws jitter, backoff and sampling from it, and a
// branch on a draw is as much a part of the program's behaviour as an
// interleaving.

// startLeaks is the program of the issue: a goroutine that sends an error
// nobody receives, when a draw says the call failed.
func startLeaks(*harness.T) {
	mayFail := func() error {
		if rt.RandV1().Intn(4) == 3 {
			return errors.New("transient")
		}
		return nil
	}
	errc := rt.MakeChan(make(chan error))
	rt.Go(func() {
		if err := mayFail(); err != nil {
			rt.Send(errc, err)
		}
	})
}

func TestDrawsAreExplored(t *testing.T) {
	t.Parallel()
	for _, s := range []harness.StrategySpec{harness.Portfolio(), harness.DFS(), harness.BoundedDFS(2), harness.Random(), harness.PCT(3), harness.POS(), harness.RFF()} {
		report := explore(t, startLeaks, harness.Strategy(s), harness.Runs(1000))
		if !strings.HasPrefix(report, "interleave: leak: 1 goroutine still blocked") {
			t.Fatalf("%s: got report\n%s\nwant the leak", s, report)
		}
		if !strings.Contains(report, "rand ") || !strings.Contains(report, "drew 3 of 0..3") {
			t.Errorf("%s: the trace does not show the draw:\n%s", s, report)
		}
		// The token carries the draw.
		if again := explore(t, startLeaks, harness.Replay(replayToken(t, report))); traceOf(again) != traceOf(report) {
			t.Errorf("%s: replay differs:\n%s\nwant\n%s", s, again, report)
		}
	}
}

func TestSearchEnumeratesADraw(t *testing.T) {
	t.Parallel()
	seen := map[int]int{}
	for _, s := range []harness.StrategySpec{harness.DFS(), harness.BoundedDFS(-1)} {
		clear(seen)
		sum := exhaust(t, func(*harness.T) { seen[rt.RandV2().IntN(3)]++ }, s)
		if sum.Schedules != 3 || len(seen) != 3 || seen[0] != 1 || seen[1] != 1 || seen[2] != 1 {
			t.Errorf("%s over rand.IntN(3): %d schedules, values %v; want 3 schedules, each value once", s, sum.Schedules, seen)
		}
	}
	// Two goroutines drawing, with independent steps between: every
	// combination of values, each once.
	clear(seen)
	sum := exhaust(t, func(*harness.T) {
		var wg sync.WaitGroup
		var a, b int
		rt.WaitGroupAdd(&wg, 2)
		rt.Go(func() { defer rt.WaitGroupDone(&wg); a = rt.RandV1().Intn(2) })
		rt.Go(func() { defer rt.WaitGroupDone(&wg); b = rt.RandV1().Intn(3) })
		rt.WaitGroupWait(&wg)
		seen[a*3+b]++
	}, harness.DFS())
	if len(seen) != 6 {
		t.Errorf("DFS over two goroutines' draws of 2 and 3 values: combinations %v (%d schedules), want all 6", seen, sum.Schedules)
	}
	// A permutation of 3: 3! orders.
	perms := map[[3]int]bool{}
	exhaust(t, func(*harness.T) { p := rt.RandV1().Perm(3); perms[[3]int(p)] = true }, harness.DFS())
	if len(perms) != 6 {
		t.Errorf("DFS over rand.Perm(3): %d permutations, want 6", len(perms))
	}
}

// TestNoExhaustiveClaimOverSampledDraws: a search that met a draw it did
// not enumerate has not explored every schedule, and must not say so.
func TestNoExhaustiveClaimOverSampledDraws(t *testing.T) {
	t.Parallel()
	bodies := map[string]func(*harness.T){
		"Float64":      func(*harness.T) { _ = rt.RandV1().Float64() < 0.25 },
		"Intn(100)":    func(*harness.T) { _ = rt.RandV1().Intn(100) == 7 },
		"Int63":        func(*harness.T) { _ = rt.RandV1().Int63() },
		"v2 Uint64N":   func(*harness.T) { _ = rt.RandV2().Uint64N(1 << 40) },
		"after a lock": func(*harness.T) { var mu sync.Mutex; rt.Lock(&mu); _ = rt.RandV2().Float64(); rt.Unlock(&mu) },
	}
	for name, body := range bodies {
		for _, s := range []harness.StrategySpec{harness.DFS(), harness.BoundedDFS(2), harness.Portfolio()} {
			var sum harness.Summary
			rec := &recorder{TB: t}
			harness.Explore(rec, body, harness.Strategy(s), harness.Summarize(&sum), harness.Runs(50))
			if sum.Exhaustive {
				t.Errorf("%s, %s: claims an exhaustive search: %+v", name, s, sum)
			}
			if sum.Sampled == 0 {
				t.Errorf("%s, %s: no sampled draw counted: %+v", name, s, sum)
			}
			for _, l := range rec.logs {
				if strings.HasPrefix(l, "interleave: exhaustive") {
					t.Errorf("%s, %s: logs %q", name, s, l)
				}
			}
		}
	}
	// The one-schedule shortcut too: a body without a choice of goroutine
	// but with a sampled draw is not "1 schedule".
	rec := &recorder{TB: t}
	var sum harness.Summary
	harness.Explore(rec, func(*harness.T) { _ = rt.RandV1().Float64() }, harness.Summarize(&sum), harness.Runs(5))
	if sum.Exhaustive || sum.Runs != 5 {
		t.Errorf("a body whose only chance is a sampled draw: %+v, want 5 runs, not exhaustive", sum)
	}
	// And the search says what it left out.
	rec = &recorder{TB: t}
	harness.Explore(rec, bodies["Float64"], harness.Strategy(harness.DFS()))
	if !regexp.MustCompile(`not exhaustive: \d+ draws? of math/rand sampled`).MatchString(strings.Join(rec.logs, "\n")) {
		t.Errorf("DFS over rand.Float64: logs %q, want it to say the draws were sampled", rec.logs)
	}
}

func TestShrinkingPrefersSmallDraws(t *testing.T) {
	t.Parallel()
	// Fails when the first draw is nonzero and the second is 2: shrinking
	// keeps the second and brings the first down to the smallest value
	// that still fails.
	report := explore(t, func(t *harness.T) {
		a, b := rt.RandV1().Intn(8), rt.RandV1().Intn(4)
		if a > 0 && b == 2 {
			t.Errorf("a=%d b=%d", a, b)
		}
	}, harness.Strategy(harness.Random()), harness.Runs(1000))
	if !strings.HasPrefix(report, "interleave: assertion: a=1 b=2") {
		t.Fatalf("got report\n%s\nwant a=1 b=2 after shrinking", report)
	}
}
