// Package race holds programs with data races, explored under the race
// detector by harness/race_test.go in a go test -race of their own (a
// race fails the test process that sees it).
package race

import (
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// counter is incremented by two goroutines without synchronization.
func counter(t *harness.T) {
	n := 0
	var wg sync.WaitGroup
	rt.WaitGroupAdd(&wg, 2)
	for range 2 {
		rt.Go(func() {
			defer rt.WaitGroupDone(&wg)
			n++
		})
	}
	rt.WaitGroupWait(&wg)
}

func TestCounter(t *testing.T) {
	harness.Explore(t, counter, harness.Runs(1))
}

func TestCounterVisibleHandoff(t *testing.T) {
	harness.Explore(t, counter, harness.Runs(50), harness.VisibleHandoff())
}

// tryLockRead reads x only if g1 wins its TryLock after g2's Unlock,
// while g2 writes x after unlocking: a race on some interleavings only.
func tryLockRead(t *harness.T) {
	var mu sync.Mutex
	x := 0
	var wg sync.WaitGroup
	rt.WaitGroupAdd(&wg, 2)
	rt.Go(func() {
		defer rt.WaitGroupDone(&wg)
		if rt.TryLock(&mu) {
			_ = x
			rt.Unlock(&mu)
		}
	})
	rt.Go(func() {
		defer rt.WaitGroupDone(&wg)
		rt.Lock(&mu)
		rt.Unlock(&mu)
		x = 1
	})
	rt.WaitGroupWait(&wg)
}

func TestTryLockRead(t *testing.T) {
	harness.Explore(t, tryLockRead, harness.Runs(100), harness.Strategy(harness.Random()))
}

// TestRaceFree has no race, under every schedule.
func TestRaceFree(t *testing.T) {
	harness.Explore(t, func(t *harness.T) {
		var mu sync.Mutex
		n := 0
		var wg sync.WaitGroup
		rt.WaitGroupAdd(&wg, 2)
		for range 2 {
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				rt.Lock(&mu)
				n++
				rt.Unlock(&mu)
			})
		}
		rt.WaitGroupWait(&wg)
	}, harness.Runs(200))
}

func TestMain(m *testing.M) {
	rt.MarkInstrumented() // the programs call the runtime ABI by hand
	m.Run()
}
