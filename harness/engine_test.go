package harness_test

import (
	"regexp"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// The programs below are written against the runtime ABI directly, the
// way instrumented code calls it: rt.Lock(&mu) is mu.Lock().

func TestCorrectMutexCounterPasses(t *testing.T) {
	for _, s := range []harness.StrategySpec{harness.Random(), harness.PCT(3)} {
		report := explore(t, func(t *harness.T) {
			var mu sync.Mutex
			var wg sync.WaitGroup
			n := 0
			for range 2 {
				rt.WaitGroupAdd(&wg, 1)
				rt.Go(func() {
					defer rt.WaitGroupDone(&wg)
					for range 3 {
						rt.Lock(&mu)
						n++
						rt.Unlock(&mu)
					}
				})
			}
			rt.WaitGroupWait(&wg)
			if n != 6 {
				t.Errorf("n = %d, want 6", n)
			}
		}, harness.Strategy(s), harness.Runs(300))
		if report != "" {
			t.Errorf("%s: correct program reported:\n%s", s, report)
		}
	}
}

func TestLostUpdateIsFound(t *testing.T) {
	report := explore(t, func(t *harness.T) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		n := 0
		for range 2 {
			rt.WaitGroupAdd(&wg, 1)
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
		if n != 2 {
			t.Errorf("n = %d, want 2", n)
		}
	}, harness.Strategy(harness.Random()), harness.Runs(1000))
	if got := firstLine(report); got != "interleave: assertion: n = 1, want 2" {
		t.Fatalf("first line = %q, want the lost update\n%s", got, report)
	}
}

func abba(t *harness.T) {
	var a, b sync.Mutex
	var wg sync.WaitGroup
	rt.WaitGroupAdd(&wg, 2)
	rt.Go(func() {
		defer rt.WaitGroupDone(&wg)
		rt.Lock(&a)
		rt.Lock(&b) // abba: g1 takes b
		rt.Unlock(&b)
		rt.Unlock(&a)
	})
	rt.Go(func() {
		defer rt.WaitGroupDone(&wg)
		rt.Lock(&b)
		rt.Lock(&a) // abba: g2 takes a
		rt.Unlock(&a)
		rt.Unlock(&b)
	})
	rt.WaitGroupWait(&wg)
}

func TestABBADeadlockIsFound(t *testing.T) {
	for seed := range uint64(20) {
		report := explore(t, abba, harness.Strategy(harness.PCT(3)), harness.Seed(seed), harness.Runs(1000))
		if got := firstLine(report); got != "interleave: deadlock: all goroutines are blocked" {
			t.Fatalf("seed %d: first line = %q, want a deadlock\n%s", seed, got, report)
		}
		for _, want := range []string{
			`g1 abba\.func1: blocked: Lock sync\.Mutex#[12] \(held by g2\) at engine_test\.go:\d+`,
			`g2 abba\.func2: blocked: Lock sync\.Mutex#[12] \(held by g1\) at engine_test\.go:\d+`,
			`(?m)^replay: go test (-race )?\S+ -run '\^TestABBADeadlockIsFound\$' -interleave\.replay=\S+$`,
		} {
			if !regexp.MustCompile(want).MatchString(report) {
				t.Fatalf("seed %d: report does not match %s:\n%s", seed, want, report)
			}
		}
		// Both lines that block are named, and they are different lines.
		lines := regexp.MustCompile(`g[12] abba\.func[12]: blocked: .* at (engine_test\.go:\d+)`).FindAllStringSubmatch(report, -1)
		if len(lines) != 2 || lines[0][1] == lines[1][1] {
			t.Fatalf("seed %d: want two distinct blocking lines, got %v", seed, lines)
		}
	}
}

func TestLeakOnSendIsFound(t *testing.T) {
	report := explore(t, func(t *harness.T) {
		ch := rt.MakeChan(make(chan int))
		rt.Go(func() {
			rt.Send(ch, 1) // leak: nobody receives
		})
	}, harness.Runs(10))
	if got := firstLine(report); got != "interleave: leak: 1 goroutine still blocked after the test body returned" {
		t.Fatalf("first line = %q\n%s", got, report)
	}
	if !regexp.MustCompile(`g1 \S+: blocked: send on chan#1 at engine_test\.go:`).MatchString(report) {
		t.Fatalf("report does not name the send:\n%s", report)
	}
}
