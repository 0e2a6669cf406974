package harness_test

import (
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// noisyLostUpdate has a lost update that needs one preemption (between
// the read and the write of one goroutine), among goroutines that take
// and release locks of their own: random walks find it in long runs.
func noisyLostUpdate(t *harness.T) {
	var mu sync.Mutex
	n := 0
	var wg sync.WaitGroup
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
	for range 3 {
		rt.WaitGroupAdd(&wg, 1)
		rt.Go(func() {
			defer rt.WaitGroupDone(&wg)
			var own sync.Mutex
			for range 4 {
				rt.Lock(&own)
				rt.Unlock(&own)
			}
		})
	}
	rt.WaitGroupWait(&wg)
	if n != 2 {
		t.Errorf("n = %d, want 2", n)
	}
}

func TestShrinkingLeavesTheOnePreemptionTheBugNeeds(t *testing.T) {
	checked := 0
	for seed := range uint64(10) {
		report := explore(t, noisyLostUpdate, harness.Strategy(harness.Random()), harness.Seed(seed), harness.Runs(2000))
		m := regexp.MustCompile(`shrunk from (\d+) steps, (\d+) preemptions? to (\d+) steps?, (\d+) preemptions?`).FindStringSubmatch(report)
		if m == nil {
			t.Fatalf("seed %d: report does not say how it shrank:\n%s", seed, report)
		}
		from, _ := strconv.Atoi(m[1])
		if from < 40 {
			continue // want runs of 40 steps or more
		}
		checked++
		tr := regexp.MustCompile(`trace \((\d+) steps, (\d+) preemptions?\)`).FindStringSubmatch(report)
		if tr == nil {
			t.Fatalf("seed %d: no trace:\n%s", seed, report)
		}
		if pre, _ := strconv.Atoi(tr[2]); pre > 1 {
			t.Errorf("seed %d: shrunk trace has %d preemptions, want at most 1 (the bug needs one):\n%s", seed, pre, report)
		}
		if firstLine(report) != "interleave: assertion: n = 1, want 2" {
			t.Errorf("seed %d: shrinking changed the failure: %s", seed, firstLine(report))
		}
	}
	if checked == 0 {
		t.Fatal("no failing run had 40 steps or more")
	}
}
