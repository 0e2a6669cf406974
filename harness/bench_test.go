package harness_test

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// lockPairs is the benchmark program: two goroutines, each taking and
// releasing one mutex five times.
func lockPairs(t *harness.T) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	rt.WaitGroupAdd(&wg, 2)
	for range 2 {
		rt.Go(func() {
			defer rt.WaitGroupDone(&wg)
			for range 5 {
				rt.Lock(&mu)
				rt.Unlock(&mu)
			}
		})
	}
	rt.WaitGroupWait(&wg)
}

// BenchmarkExplore measures whole runs of lockPairs under the random walk;
// runs/s is the headline figure.
func BenchmarkExplore(b *testing.B) {
	b.ReportAllocs()
	start := time.Now()
	harness.Explore(b, lockPairs, harness.Strategy(harness.Random()), harness.Runs(b.N), harness.Time(time.Hour))
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "runs/s")
}

// BenchmarkBareBaton is the floor BenchmarkExplore is compared with: the
// same program run by a scheduler with no bookkeeping at all. Two real
// goroutines hand a baton over buffered channels, a random one goes at
// each step, and a held mutex is seen with TryLock.
func BenchmarkBareBaton(b *testing.B) {
	b.ReportAllocs()
	rnd := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	for range b.N {
		bareBatonRun(rnd)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "runs/s")
}

func bareBatonRun(rnd *rand.Rand) {
	var mu sync.Mutex
	baton := [2]chan bool{make(chan bool, 1), make(chan bool, 1)}
	done := make(chan bool, 2)
	var wantLock, finished [2]bool
	enabled := func(g int) bool {
		if finished[g] {
			return false
		}
		if wantLock[g] {
			if !mu.TryLock() {
				return false
			}
			mu.Unlock()
		}
		return true
	}
	// next picks who runs next; self waits for the baton if it is not
	// picked.
	next := func(self int) {
		g := rnd.IntN(2)
		if !enabled(g) {
			g = 1 - g
		}
		if g == self {
			return
		}
		baton[g] <- true
		if self >= 0 {
			<-baton[self]
		}
	}
	for i := range 2 {
		go func() {
			<-baton[i]
			for range 5 {
				wantLock[i] = true
				next(i)
				wantLock[i] = false
				mu.Lock()
				next(i)
				mu.Unlock()
			}
			finished[i] = true
			if !finished[1-i] {
				baton[1-i] <- true
			}
			done <- true
		}()
	}
	next(-1)
	<-done
	<-done
}

// BenchmarkChannelHandoff is a bare handoff of a value between two
// goroutines over an unbuffered channel, the unit cost of a switch.
func BenchmarkChannelHandoff(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	for i := range b.N {
		ping <- i
		<-pong
	}
	close(ping)
}

// BenchmarkExploreHeap runs lockPairs a million times and reports the heap
// in use before and after: it must not grow with the number of runs.
func BenchmarkExploreHeap(b *testing.B) {
	const runs = 1_000_000
	for range b.N {
		harness.Explore(b, lockPairs, harness.Strategy(harness.Random()), harness.Runs(1000))
		before := heapInUse()
		harness.Explore(b, lockPairs, harness.Strategy(harness.Random()), harness.Runs(runs), harness.Time(time.Hour))
		after := heapInUse()
		b.ReportMetric(float64(before), "heap-before-B")
		b.ReportMetric(float64(after), "heap-after-B")
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
