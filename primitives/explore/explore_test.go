// Package explore_test explores the primitives under interleave: every
// test here is a harness.Explore of a small concurrent program over one
// primitive, checked by the monitors and sequential models of package
// models (mutual exclusion, bounds, delivery, no lost permit,
// linearizability), with its strategy and budget written in the test.
//
// The tests need instrumented code: plain `go test` rebuilds them through
// `interleave test` (harness.Main), which instruments the primitives too.
package explore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/models"
	"github.com/interleave-go/interleave/primitives"
)

func TestMain(m *testing.M) { harness.Main(m) }

// exhaustive explores every schedule, up to partial order reduction,
// within a budget large enough that the test fails if it is not reached.
func exhaustive(t *testing.T, body func(t *harness.T), opts ...harness.Option) {
	t.Helper()
	var sum harness.Summary
	opts = append([]harness.Option{harness.Strategy(harness.DFS()), harness.Runs(200_000), harness.Time(2 * time.Minute), harness.Summarize(&sum)}, opts...)
	harness.Explore(t, body, opts...)
	if !t.Failed() && !sum.Exhaustive {
		t.Errorf("the search stopped after %d schedules without covering them all", sum.Schedules)
	}
	t.Logf("%d schedules, exhaustive: %v", sum.Schedules, sum.Exhaustive)
}

// pct explores runs schedules with PCT of depth 3.
func pct(t *testing.T, runs int, body func(t *harness.T)) {
	t.Helper()
	harness.Explore(t, body, harness.Strategy(harness.PCT(3)), harness.Runs(runs), harness.Time(time.Minute))
}

// goAll runs each f in a goroutine of its own and waits for them all.
func goAll(fs ...func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	wg.Wait()
}

func TestLockExcludesAndIsLinearizable(t *testing.T) {
	// Three goroutines, each Lock and Unlock; one tries TryLock first.
	// Budget: every schedule (DFS).
	exhaustive(t, func(t *harness.T) {
		var l primitives.Lock
		sec := models.MutualExclusion(t)
		rec := models.Record(t, models.Lock())
		ctx := context.Background()
		lock := func() {
			op := rec.Call(models.Call{Method: "Lock"})
			err := l.Lock(ctx)
			op.Return(models.Done(err))
			sec.Enter()
			sec.Exit()
			op = rec.Call(models.Call{Method: "Unlock"})
			l.Unlock()
			op.Return(models.Done(nil))
		}
		try := func() {
			op := rec.Call(models.Call{Method: "TryLock"})
			ok := l.TryLock()
			op.Return(models.Bool(ok))
			if ok {
				sec.Enter()
				sec.Exit()
				op = rec.Call(models.Call{Method: "Unlock"})
				l.Unlock()
				op.Return(models.Done(nil))
			}
		}
		goAll(lock, lock, try)
		if l.Locked() {
			t.Errorf("the Lock is held after every goroutine unlocked")
		}
	})
}

func TestLockCancelledWaiterNeverLosesTheLock(t *testing.T) {
	// A waiter whose context is cancelled while the holder unlocks: it
	// either gets the lock (and unlocks it) or leaves; the Lock is never
	// left held by nobody, nor held twice. Budget: every schedule (DFS).
	exhaustive(t, func(t *harness.T) {
		var l primitives.Lock
		sec := models.MutualExclusion(t)
		permits := models.NoLostPermit(t, 1, func() int {
			if l.Locked() {
				return 0
			}
			return 1
		})
		//interleavevet:ignore unbalanced the third goroutine below unlocks it: a Lock is not tied to a goroutine
		if err := l.Lock(context.Background()); err != nil {
			t.Fatalf("Lock: %v", err)
		}
		permits.Acquired(1)
		ctx, cancel := context.WithCancel(context.Background())
		goAll(
			func() {
				if err := l.Lock(ctx); err == nil {
					permits.Acquired(1)
					sec.Enter()
					sec.Exit()
					l.Unlock()
					permits.Released(1)
				} else if !errors.Is(err, context.Canceled) {
					t.Errorf("Lock: %v", err)
				}
			},
			cancel,
			func() {
				sec.Enter()
				sec.Exit()
				l.Unlock()
				permits.Released(1)
			},
		)
		if !l.TryLock() {
			t.Errorf("the Lock is lost: TryLock fails with nobody holding it")
		} else {
			l.Unlock()
		}
	})
}

// inLine is how a test makes goroutines join a line in a known order:
// under Latency(0) the virtual clock moves only when no goroutine can run,
// so a goroutine that sleeps d before it asks has everyone who asked
// before waiting in line already.
var inLine = harness.Latency(0)

func TestLockServesWaitersInOrderAndTryLockDoesNotBarge(t *testing.T) {
	// The holder unlocks at 3ms; g1 asks at 0, g2 at 1ms; a TryLock at
	// 3ms, racing the Unlock, must fail: the Unlock hands the Lock to g1.
	// Budget: every schedule (DFS).
	exhaustive(t, func(t *harness.T) {
		var l primitives.Lock
		order := models.FIFO(t)
		ctx := context.Background()
		if err := l.Lock(ctx); err != nil {
			t.Fatalf("Lock: %v", err)
		}
		waiter := func(id int, after time.Duration) func() {
			return func() {
				time.Sleep(after)
				order.Request(id)
				if err := l.Lock(ctx); err != nil {
					t.Errorf("Lock: %v", err)
					return
				}
				order.Granted(id)
				//interleavevet:ignore holdblock the holder must still hold it when the TryLock runs
				time.Sleep(time.Millisecond)
				l.Unlock()
			}
		}
		goAll(waiter(1, 0), waiter(2, time.Millisecond),
			func() {
				time.Sleep(3 * time.Millisecond)
				l.Unlock()
			},
			func() {
				time.Sleep(3 * time.Millisecond)
				if l.TryLock() {
					t.Errorf("TryLock took the Lock ahead of its waiters")
					l.Unlock()
				}
			})
	}, inLine)
}

func TestSemaphoreLargeRequestIsNotOvertaken(t *testing.T) {
	// Both permits are held; g1 asks for 2, then g2 for 1. When one permit
	// comes back g2's request would fit, but g1 came first. Budget: every
	// schedule (DFS).
	exhaustive(t, func(t *harness.T) {
		s := primitives.NewSemaphore(2)
		order := models.FIFO(t)
		ctx := context.Background()
		if err := s.Acquire(ctx, 2); err != nil {
			t.Fatalf("Acquire: %v", err)
		}
		waiter := func(id int, n int64, after time.Duration) func() {
			return func() {
				time.Sleep(after)
				order.Request(id)
				if err := s.Acquire(ctx, n); err != nil {
					t.Errorf("Acquire: %v", err)
					return
				}
				order.Granted(id)
				time.Sleep(time.Millisecond)
				s.Release(n)
			}
		}
		goAll(waiter(1, 2, 0), waiter(2, 1, time.Millisecond),
			func() {
				time.Sleep(2 * time.Millisecond)
				s.Release(1)
				time.Sleep(time.Millisecond)
				s.Release(1)
			})
		if v := s.Value(); v != 2 {
			t.Errorf("Value = %d at the end, want 2", v)
		}
	}, inLine)
}

func TestRWLockWritersExcludeEveryone(t *testing.T) {
	// Two readers and a writer. Budget: every schedule (DFS).
	exhaustive(t, func(t *harness.T) {
		var rw primitives.RWLock
		var mu sync.Mutex
		readers, writers := 0, 0
		enter := func(write bool) {
			mu.Lock()
			defer mu.Unlock()
			if write {
				writers++
			} else {
				readers++
			}
			if writers > 1 || writers == 1 && readers > 0 {
				t.Invariantf("rwlock: g%d entered with %d writers and %d readers inside", harness.Goroutine(), writers, readers)
			}
		}
		leave := func(write bool) {
			mu.Lock()
			defer mu.Unlock()
			if write {
				writers--
			} else {
				readers--
			}
		}
		ctx := context.Background()
		read := func() {
			if err := rw.RLock(ctx); err != nil {
				t.Errorf("RLock: %v", err)
				return
			}
			enter(false)
			leave(false)
			rw.RUnlock()
		}
		write := func() {
			if err := rw.Lock(ctx); err != nil {
				t.Errorf("Lock: %v", err)
				return
			}
			enter(true)
			leave(true)
			rw.Unlock()
		}
		goAll(read, read, write)
		if !rw.TryLock() {
			t.Errorf("TryLock fails after everyone left")
		}
	})
}

func TestSemaphoreBoundsHoldersAndKeepsPermitsUnderCancellation(t *testing.T) {
	// Two permits, three goroutines taking one each, one of them with a
	// timeout that may expire as it is granted. Budget: 3,000 PCT runs.
	pct(t, 3000, func(t *harness.T) {
		s := primitives.NewSemaphore(2)
		inside := models.Bounded(t, 2)
		permits := models.NoLostPermit(t, 2, func() int { return int(s.Value()) })
		use := func(ctx context.Context) {
			if err := s.Acquire(ctx, 1); err != nil {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Acquire: %v", err)
				}
				return
			}
			permits.Acquired(1)
			inside.Enter()
			time.Sleep(time.Millisecond)
			inside.Exit()
			s.Release(1)
			permits.Released(1)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		goAll(
			func() { use(context.Background()) },
			func() { use(context.Background()) },
			func() { use(ctx) },
		)
	})
}

func TestSemaphoreIsLinearizable(t *testing.T) {
	// Requests of one size (the model's condition). Budget: every
	// schedule (DFS).
	exhaustive(t, func(t *harness.T) {
		s := primitives.NewBoundedSemaphore(1)
		rec := models.Record(t, models.BoundedSemaphore(1))
		ctx := context.Background()
		acquireRelease := func() {
			op := rec.Call(models.Call{Method: "Acquire", Arg: 1})
			err := s.Acquire(ctx, 1)
			op.Return(models.Done(err))
			op = rec.Call(models.Call{Method: "Release", Arg: 1})
			s.Release(1)
			op.Return(models.Done(nil))
		}
		try := func() {
			op := rec.Call(models.Call{Method: "TryAcquire", Arg: 1})
			ok := s.TryAcquire(1)
			op.Return(models.Bool(ok))
			if ok {
				op = rec.Call(models.Call{Method: "Release", Arg: 1})
				s.Release(1)
				op.Return(models.Done(nil))
			}
		}
		goAll(acquireRelease, try)
	})
}

func TestEventWakesEveryWaiter(t *testing.T) {
	// Two waiters, a Set and a Clear. Budget: every schedule (DFS).
	exhaustive(t, func(t *harness.T) {
		var e primitives.Event
		d := models.EventDelivery(t)
		rec := models.Record(t, models.Event())
		ctx := context.Background()
		wait := func() {
			op := rec.Call(models.Call{Method: "Wait"})
			err := d.Wait(func() error { return e.Wait(ctx) })
			op.Return(models.Done(err))
		}
		goAll(wait, wait, func() {
			op := rec.Call(models.Call{Method: "Set"})
			d.Set(e.Set)
			op.Return(models.Done(nil))
			op = rec.Call(models.Call{Method: "Clear"})
			e.Clear()
			op.Return(models.Done(nil))
			op = rec.Call(models.Call{Method: "Set"})
			d.Set(e.Set) // the waiters that came after the Clear
			op.Return(models.Done(nil))
		})
	})
}

func TestQueueIsAFIFOQueue(t *testing.T) {
	// Two producers, a consumer, one slot: the values come out in an
	// order a FIFO queue allows. Budget: 3,000 PCT runs.
	pct(t, 3000, func(t *harness.T) {
		q := primitives.NewQueue[int](1)
		rec := models.Record(t, models.FIFOQueue(1))
		ctx := context.Background()
		put := func(v int) func() {
			return func() {
				op := rec.Call(models.Call{Method: "Put", Arg: v})
				op.Return(models.Done(q.Put(ctx, v)))
			}
		}
		get := func() {
			for range 2 {
				op := rec.Call(models.Call{Method: "Get"})
				op.Return(models.Value(q.Get(ctx)))
			}
		}
		goAll(put(1), put(2), get)
	})
}

func TestQueueCancelledGetLosesNoValue(t *testing.T) {
	// A Get whose context expires as a value is put: the value is got
	// exactly once, by that Get or the next. Budget: 3,000 PCT runs.
	pct(t, 3000, func(t *harness.T) {
		q := primitives.NewQueue[int](1)
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		var got []int
		var mu sync.Mutex
		goAll(
			func() {
				if v, err := q.Get(ctx); err == nil {
					mu.Lock()
					got = append(got, v)
					mu.Unlock()
				}
			},
			func() {
				time.Sleep(time.Millisecond)
				if err := q.Put(context.Background(), 7); err != nil {
					t.Errorf("Put: %v", err)
				}
			},
		)
		if v, err := q.TryGet(); err == nil {
			got = append(got, v)
		}
		if len(got) != 1 || got[0] != 7 {
			t.Errorf("the value put was got %d times (%v), want once", len(got), got)
		}
	})
}

func TestBarrierReleasesAllPartiesTogether(t *testing.T) {
	// Three parties. Budget: every schedule (DFS).
	exhaustive(t, func(t *harness.T) {
		b := primitives.NewBarrier(3)
		rec := models.Record(t, models.Barrier(3))
		ctx := context.Background()
		var mu sync.Mutex
		indexes := map[int]bool{}
		wait := func() {
			op := rec.Call(models.Call{Method: "Wait"})
			i, err := b.Wait(ctx)
			op.Return(models.Value(i, err))
			if err != nil {
				t.Errorf("Wait: %v", err)
				return
			}
			mu.Lock()
			indexes[i] = true
			mu.Unlock()
		}
		goAll(wait, wait, wait)
		if len(indexes) != 3 {
			t.Errorf("arrival indexes %v, want 0, 1 and 2", indexes)
		}
	})
}

func TestConditionNotifyAllWakesEveryWaiter(t *testing.T) {
	// Two waiters for a flag, a setter that notifies all: nobody is left
	// waiting (the engine checks deadlock and leak freedom). Budget: 3,000
	// PCT runs (the schedules number more than 200,000).
	pct(t, 3000, func(t *harness.T) {
		var l primitives.Lock
		c := primitives.NewCondition(&l)
		ready := false
		ctx := context.Background()
		wait := func() {
			if err := l.Lock(ctx); err != nil {
				t.Errorf("Lock: %v", err)
				return
			}
			if err := c.WaitFor(ctx, func() bool { return ready }); err != nil {
				t.Errorf("WaitFor: %v", err)
			}
			l.Unlock()
		}
		goAll(wait, wait, func() {
			if err := l.Lock(ctx); err != nil {
				t.Errorf("Lock: %v", err)
				return
			}
			ready = true
			c.NotifyAll()
			l.Unlock()
		})
	})
}

func TestLimiterSpacesOutItsTokens(t *testing.T) {
	// A limiter of one token every 10ms with a burst of 1: three waiters
	// cannot all have their tokens before 20ms have passed on the virtual
	// clock. Budget: 2,000 PCT runs.
	pct(t, 2000, func(t *harness.T) {
		l := primitives.NewLimiter(10*time.Millisecond, 1)
		start := time.Now()
		wait := func() {
			if err := l.Wait(context.Background()); err != nil {
				t.Errorf("Wait: %v", err)
			}
		}
		goAll(wait, wait, wait)
		if d := time.Since(start); d < 20*time.Millisecond {
			t.Errorf("three tokens in %v, want at least 20ms", d)
		}
	})
}
