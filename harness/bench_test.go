package harness_test

import (
	"fmt"
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

// BenchmarkExploreStrategies is BenchmarkExplore under each sampling
// strategy, and under scaleProgram(16, 50, false, false) for runs of a few
// thousand steps: what a strategy's own bookkeeping costs a step.
func BenchmarkExploreStrategies(b *testing.B) {
	for _, s := range []harness.StrategySpec{harness.Random(), harness.PCT(3), harness.POS(), harness.RFF()} {
		for _, p := range []struct {
			name string
			body func(*harness.T)
		}{{"lockPairs", lockPairs}, {"scale16x50", scaleProgram(16, 50, false, false)}} {
			b.Run("program="+p.name+"/strategy="+s.String(), func(b *testing.B) {
				var sum harness.Summary
				start := time.Now()
				harness.Explore(b, p.body, harness.Strategy(s), harness.Runs(b.N), harness.Time(time.Hour), harness.Summarize(&sum))
				took := time.Since(start)
				b.ReportMetric(float64(b.N)/took.Seconds(), "runs/s")
				b.ReportMetric(float64(took.Nanoseconds())/float64(sum.Steps), "ns/step")
			})
		}
	}
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

// scaleProgram is the program of BenchmarkScale: g goroutines, each doing
// k times {a sleep of a microsecond when timers is set; Lock; Unlock} on
// one shared mutex, or, with chans, a select that sends on or receives
// from one of two buffered channels shared by all.
func scaleProgram(g, k int, timers, chans bool) func(*harness.T) {
	return func(t *harness.T) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		a, b := rt.MakeChan(make(chan int, 4)), rt.MakeChan(make(chan int, 4))
		rt.WaitGroupAdd(&wg, g)
		for i := range g {
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				for j := range k {
					if timers {
						rt.Sleep(time.Microsecond)
					}
					if !chans {
						rt.Lock(&mu)
						rt.Unlock(&mu)
						continue
					}
					var v int
					var ok bool
					if (i+j)%2 == 0 {
						rt.Select(true, rt.SendCase(a, j), rt.SendCase(b, j))
					} else {
						rt.Select(true, rt.RecvCase(a, &v, &ok), rt.RecvCase(b, &v, &ok))
					}
				}
			})
		}
		rt.WaitGroupWait(&wg)
	}
}

// BenchmarkScale measures the cost of a scheduling step as runs grow long
// and goroutines many: ns/step should not depend on how long the run has
// been going, nor grow much with the goroutines or the timers made. Each
// op is one run under the random walk; steps past the explored window
// run under the fair scheduler, so the window is set to the whole run.
func BenchmarkScale(b *testing.B) {
	for _, c := range []struct {
		g, k          int
		timers, chans bool
	}{
		{2, 500, false, false},
		{2, 500, true, false},
		{16, 5000, false, false},
		{16, 5000, true, false},
		{256, 400, true, false},
		{256, 40, true, false},
		{256, 4000, true, false},
		{1000, 1000, false, false},
		{16, 5000, false, true},
		{16, 5000, true, true},
	} {
		name := fmt.Sprintf("g=%d/k=%d/timers=%t/chans=%t", c.g, c.k, c.timers, c.chans)
		b.Run(name, func(b *testing.B) {
			var sum harness.Summary
			start := time.Now()
			harness.Explore(b, scaleProgram(c.g, c.k, c.timers, c.chans), harness.Strategy(harness.Random()),
				harness.Runs(b.N), harness.Time(time.Hour), harness.MaxSteps(1<<24), harness.Summarize(&sum))
			took := time.Since(start)
			b.ReportMetric(float64(took.Nanoseconds())/float64(sum.Steps), "ns/step")
			b.ReportMetric(float64(sum.Steps)/float64(sum.Runs), "steps/run")
		})
	}
}

// BenchmarkScaleHeap runs a long program (1,000 goroutines, a million
// steps a run: scaleProgram(1000, 500, false, false)) b.N times after a
// warm-up run, and reports the heap in use before and after: it must not
// grow with the runs.
func BenchmarkScaleHeap(b *testing.B) {
	body := scaleProgram(1000, 500, false, false)
	opts := []harness.Option{harness.Strategy(harness.Random()), harness.Time(time.Hour), harness.MaxSteps(1 << 24)}
	var sum harness.Summary
	harness.Explore(b, body, append(opts, harness.Runs(1), harness.Summarize(&sum))...)
	before := heapInUse()
	b.ResetTimer()
	harness.Explore(b, body, append(opts, harness.Runs(b.N))...)
	b.StopTimer()
	after := heapInUse()
	b.ReportMetric(float64(sum.Steps), "steps/run")
	b.ReportMetric(float64(before), "heap-before-B")
	b.ReportMetric(float64(after), "heap-after-B")
}
