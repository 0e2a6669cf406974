package primitives_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/interleave-go/interleave/primitives"
)

func TestConditionMisusePanics(t *testing.T) {
	t.Parallel()
	c := primitives.NewCondition(nil)
	ctx := context.Background()
	wantPanic(t, "Wait without the Lock", "primitives: Condition.Wait without holding its Lock", func() { c.Wait(ctx) })
	wantPanic(t, "WaitFor without the Lock", "primitives: Condition.Wait without holding its Lock", func() { c.WaitFor(ctx, func() bool { return false }) })
	wantPanic(t, "Notify without the Lock", "primitives: Condition.Notify without holding its Lock", func() { c.Notify(1) })
	wantPanic(t, "NotifyAll without the Lock", "primitives: Condition.NotifyAll without holding its Lock", c.NotifyAll)
	c.L.Lock(ctx)
	wantPanic(t, "Notify(-1)", "primitives: Condition.Notify with a negative count", func() { c.Notify(-1) })
	c.L.Unlock()
}

func TestConditionLiteral(t *testing.T) {
	t.Parallel()
	var l primitives.Lock
	c := primitives.Condition{L: &l}
	if primitives.NewCondition(&l).L != &l {
		t.Errorf("NewCondition(&l).L is not &l")
	}
	l.Lock(context.Background())
	// WaitFor with a true predicate does not wait.
	wantErr(t, "WaitFor(true)", c.WaitFor(context.Background(), func() bool { return true }), nil)
	c.NotifyAll() // nobody waits: nothing happens
	l.Unlock()
}

func TestConditionDoneContextKeepsLock(t *testing.T) {
	t.Parallel()
	c := primitives.NewCondition(nil)
	c.L.Lock(context.Background())
	wantErr(t, "Wait with a done context", c.Wait(cancelled()), context.Canceled)
	if !c.L.Locked() {
		t.Errorf("after failed Wait: Locked got false, want true")
	}
	c.L.Unlock()
}

// TestConditionNotifyOrder: Notify(n) wakes the n longest waiting, and
// each Wait returns holding the Lock.
func TestConditionNotifyOrder(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		var (
			c     = primitives.NewCondition(nil)
			ctx   = context.Background()
			mu    sync.Mutex
			order []int
		)
		for i := range 5 {
			start(func() error {
				c.L.Lock(ctx)
				err := c.Wait(ctx)
				if !c.L.Locked() {
					t.Errorf("waiter %d: returned without the Lock", i)
				}
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				c.L.Unlock()
				return err
			})
		}
		c.L.Lock(ctx)
		c.Notify(2)
		c.L.Unlock()
		synctest.Wait()
		// Which waiters were woken is fixed; the order in which they then
		// re-lock L is not.
		slices.Sort(order)
		if want := []int{0, 1}; !slices.Equal(order, want) {
			t.Errorf("after Notify(2): woken got %v, want %v", order, want)
		}
		c.L.Lock(ctx)
		c.NotifyAll()
		c.L.Unlock()
		synctest.Wait()
		slices.Sort(order)
		if want := []int{0, 1, 2, 3, 4}; !slices.Equal(order, want) {
			t.Errorf("after NotifyAll: woken got %v, want %v", order, want)
		}
	})
}

func TestConditionWaitForPredicate(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		var (
			c     = primitives.NewCondition(nil)
			ctx   = context.Background()
			count int // guarded by c.L
		)
		w := start(func() error {
			c.L.Lock(ctx)
			defer c.L.Unlock()
			return c.WaitFor(ctx, func() bool { return count >= 3 })
		})
		for i := 1; i <= 3; i++ {
			wantResult(t, "WaitFor before count reaches 3", w, blocked)
			c.L.Lock(ctx)
			count = i
			c.NotifyAll()
			c.L.Unlock()
		}
		wantResult(t, "WaitFor once count is 3", w, done(nil))
	})
}

func TestConditionCancelledWaitRelocks(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		c := primitives.NewCondition(nil)
		ctx, cancel := context.WithCancel(context.Background())
		var lockedOnReturn bool
		w := start(func() error {
			c.L.Lock(context.Background())
			err := c.WaitFor(ctx, func() bool { return false })
			lockedOnReturn = c.L.Locked()
			c.L.Unlock()
			return err
		})
		// Hold the Lock while cancelling: Wait must wait for it.
		c.L.Lock(context.Background())
		cancel()
		wantResult(t, "cancelled Wait while the Lock is held elsewhere", w, blocked)
		c.L.Unlock()
		wantResult(t, "cancelled Wait", w, done(context.Canceled))
		if !lockedOnReturn {
			t.Errorf("cancelled Wait returned without the Lock")
		}
		// The cancelled waiter left the line: a Notify(1) goes to the next.
		next := start(func() error {
			c.L.Lock(context.Background())
			defer c.L.Unlock()
			return c.Wait(context.Background())
		})
		c.L.Lock(context.Background())
		c.Notify(1)
		c.L.Unlock()
		wantResult(t, "next waiter", next, done(nil))
	})
}

func TestConditionCancelAtNotifyCounts(t *testing.T) {
	t.Parallel()
	for range grantRaces {
		bubble(t, func(t *testing.T) {
			c := primitives.NewCondition(nil)
			ctx, cancel := context.WithCancel(context.Background())
			first := start(func() error {
				c.L.Lock(context.Background())
				defer c.L.Unlock()
				return c.Wait(ctx)
			})
			second := start(func() error {
				c.L.Lock(context.Background())
				defer c.L.Unlock()
				return c.Wait(context.Background())
			})
			c.L.Lock(context.Background())
			primitives.NotifyAfter(c, 1, cancel)
			c.L.Unlock()
			// The notification went to first; it must not be lost, so
			// first returns nil (and second still waits).
			wantResult(t, "waiter cancelled as it was notified", first, done(nil))
			wantResult(t, "second waiter", second, blocked)
			c.L.Lock(context.Background())
			c.Notify(1)
			c.L.Unlock()
			wantResult(t, "second waiter after Notify", second, done(nil))
		})
	}
}

// TestConditionStress: a bounded buffer built on a Condition, with many
// producers and consumers, moves every item exactly once.
func TestConditionStress(t *testing.T) {
	t.Parallel()
	var (
		c     = primitives.NewCondition(nil)
		ctx   = context.Background()
		buf   []int // guarded by c.L
		got   = make([]int, 0)
		gotMu sync.Mutex
		wg    sync.WaitGroup
	)
	const producers, each = 4, 500
	n := stressN(each)
	for p := range producers {
		wg.Go(func() {
			for i := range n {
				c.L.Lock(ctx)
				c.WaitFor(ctx, func() bool { return len(buf) < 4 })
				buf = append(buf, p*n+i)
				c.NotifyAll()
				c.L.Unlock()
			}
		})
	}
	for range producers {
		wg.Go(func() {
			for range n {
				c.L.Lock(ctx)
				c.WaitFor(ctx, func() bool { return len(buf) > 0 })
				v := buf[0]
				buf = buf[1:]
				c.NotifyAll()
				c.L.Unlock()
				gotMu.Lock()
				got = append(got, v)
				gotMu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(got)
	for i, v := range got {
		if v != i {
			t.Fatalf("items moved: got %d at position %d of the sorted list, want %d", v, i, i)
		}
	}
	if len(got) != producers*n {
		t.Errorf("items moved: got %d, want %d", len(got), producers*n)
	}
}
