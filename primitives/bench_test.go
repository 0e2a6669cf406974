package primitives_test

// Benchmarks against the standard library and golang.org/x: each pair runs
// in the same run under the same sub-benchmark names except impl=, so that
// benchstat can compare them:
//
//	go test -bench . -run '^$' -count 6 ./primitives/ > new.txt
//	benchstat -col /impl new.txt

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/primitives"
	"golang.org/x/sync/semaphore"
	"golang.org/x/time/rate"
)

var contention = []int{1, 2, 8, 64}

// spread runs op b.N times in all, split over g goroutines, and measures
// the steady state under contention. A FIFO lock is bimodal: while nobody
// waits each operation takes nanoseconds, and once a waiter is queued every
// Unlock hands over to a parked goroutine and the next Lock queues again
// (a convoy), which costs a goroutine switch. The short calibration runs of
// the testing package would see only the first mode, pick a b.N for it and
// then run for a minute in the second. So spread takes the resource with
// hold first, lets the goroutines pile up behind it, and only then starts
// the clock and gives it back.
//
// The goroutines=1 benchmarks do not use spread but loop inline, because
// the indirect call of op costs about as much as an uncontended lock.
func spread(b *testing.B, g int, hold func() (release func()), op func()) {
	var wg sync.WaitGroup
	release := hold()
	for i := range g {
		n := b.N / g
		if i < b.N%g {
			n++
		}
		wg.Go(func() {
			for range n {
				op()
			}
		})
	}
	time.Sleep(time.Millisecond) // let them queue behind hold
	b.ResetTimer()
	release()
	wg.Wait()
}

func BenchmarkLock(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=primitives/goroutines=1", func(b *testing.B) {
		var l primitives.Lock
		for b.Loop() {
			l.Lock(ctx)
			l.Unlock()
		}
	})
	b.Run("impl=sync.Mutex/goroutines=1", func(b *testing.B) {
		var m sync.Mutex
		for b.Loop() {
			m.Lock()
			m.Unlock()
		}
	})
	for _, g := range contention[1:] {
		b.Run(fmt.Sprintf("impl=primitives/goroutines=%d", g), func(b *testing.B) {
			var l primitives.Lock
			hold := func() func() { l.Lock(ctx); return l.Unlock }
			spread(b, g, hold, func() {
				l.Lock(ctx)
				l.Unlock()
			})
		})
		b.Run(fmt.Sprintf("impl=sync.Mutex/goroutines=%d", g), func(b *testing.B) {
			var m sync.Mutex
			hold := func() func() { m.Lock(); return m.Unlock }
			spread(b, g, hold, func() {
				m.Lock()
				m.Unlock()
			})
		})
	}
}

// BenchmarkLockCancelableContext is the uncontended Lock with a context
// that can be cancelled, whose Done channel Lock must look at.
func BenchmarkLockCancelableContext(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var l primitives.Lock
	for b.Loop() {
		if err := l.Lock(ctx); err != nil {
			b.Fatal(err)
		}
		l.Unlock()
	}
}

func BenchmarkSemaphore(b *testing.B) {
	const size = 2
	ctx := context.Background()
	b.Run("impl=primitives/goroutines=1", func(b *testing.B) {
		s := primitives.NewSemaphore(size)
		for b.Loop() {
			s.Acquire(ctx, 1)
			s.Release(1)
		}
	})
	b.Run("impl=x-sync/goroutines=1", func(b *testing.B) {
		s := semaphore.NewWeighted(size)
		for b.Loop() {
			s.Acquire(ctx, 1)
			s.Release(1)
		}
	})
	for _, g := range contention[1:] {
		b.Run(fmt.Sprintf("impl=primitives/goroutines=%d", g), func(b *testing.B) {
			s := primitives.NewSemaphore(size)
			hold := func() func() { s.Acquire(ctx, size); return func() { s.Release(size) } }
			spread(b, g, hold, func() {
				s.Acquire(ctx, 1)
				s.Release(1)
			})
		})
		b.Run(fmt.Sprintf("impl=x-sync/goroutines=%d", g), func(b *testing.B) {
			s := semaphore.NewWeighted(size)
			hold := func() func() { s.Acquire(ctx, size); return func() { s.Release(size) } }
			spread(b, g, hold, func() {
				s.Acquire(ctx, 1)
				s.Release(1)
			})
		})
	}
}

func BenchmarkQueue(b *testing.B) {
	const capacity = 128
	ctx := context.Background()
	b.Run("impl=primitives/shape=same-goroutine", func(b *testing.B) {
		q := primitives.NewQueue[int](capacity)
		for i := 0; b.Loop(); i++ {
			q.Put(ctx, i)
			q.Get(ctx)
		}
	})
	b.Run("impl=chan/shape=same-goroutine", func(b *testing.B) {
		ch := make(chan int, capacity)
		for i := 0; b.Loop(); i++ {
			ch <- i
			<-ch
		}
	})
	for _, pairs := range []int{1, 4} {
		shape := fmt.Sprintf("shape=%dp%dc", pairs, pairs)
		b.Run("impl=primitives/"+shape, func(b *testing.B) {
			q := primitives.NewQueue[int](capacity)
			producersConsumers(b, pairs, func(v int) { q.Put(ctx, v) }, func() { q.Get(ctx) })
		})
		b.Run("impl=chan/"+shape, func(b *testing.B) {
			ch := make(chan int, capacity)
			producersConsumers(b, pairs, func(v int) { ch <- v }, func() { <-ch })
		})
	}
}

func noHold() func() { return func() {} }

// producersConsumers moves b.N values from pairs producers to pairs
// consumers.
func producersConsumers(b *testing.B, pairs int, put func(int), get func()) {
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range pairs {
		n := b.N / pairs
		if i < b.N%pairs {
			n++
		}
		wg.Go(func() {
			<-gate
			for v := range n {
				put(v)
			}
		})
		wg.Go(func() {
			<-gate
			for range n {
				get()
			}
		})
	}
	b.ResetTimer()
	close(gate)
	wg.Wait()
}

// BenchmarkLimiter measures the cost of asking, with a rate high enough
// that every request is let through at once.
func BenchmarkLimiter(b *testing.B) {
	const burst = 1 << 20
	ctx := context.Background()
	for _, g := range []int{1, 8} {
		for _, op := range []string{"Allow", "Wait"} {
			name := fmt.Sprintf("op=%s/goroutines=%d", op, g)
			b.Run("impl=primitives/"+name, func(b *testing.B) {
				l := primitives.NewLimiter(time.Nanosecond, burst)
				f := func() { l.Allow() }
				if op == "Wait" {
					f = func() { l.Wait(ctx) }
				}
				spread(b, g, noHold, f)
			})
			b.Run("impl=x-time-rate/"+name, func(b *testing.B) {
				l := rate.NewLimiter(rate.Every(time.Nanosecond), burst)
				f := func() { l.Allow() }
				if op == "Wait" {
					f = func() { l.Wait(ctx) }
				}
				spread(b, g, noHold, f)
			})
		}
	}
}
