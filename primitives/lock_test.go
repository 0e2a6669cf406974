package primitives_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/interleave-go/interleave/primitives"
)

func TestLockZeroValue(t *testing.T) {
	t.Parallel()
	var l primitives.Lock
	check := func(what string, got, want bool) {
		t.Helper()
		if got != want {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}
	check("zero Lock: Locked", l.Locked(), false)
	wantErr(t, "Lock of a zero Lock", l.Lock(context.Background()), nil)
	check("after Lock: Locked", l.Locked(), true)
	check("TryLock of a held Lock", l.TryLock(), false)
	l.Unlock()
	check("after Unlock: Locked", l.Locked(), false)
	check("TryLock of a free Lock", l.TryLock(), true)
	check("after TryLock: Locked", l.Locked(), true)
	l.Unlock()
}

func TestLockUnlockOfUnlockedPanics(t *testing.T) {
	t.Parallel()
	const msg = "primitives: unlock of unlocked Lock"
	var l primitives.Lock
	wantPanic(t, "Unlock of a zero Lock", msg, l.Unlock)
	wantErr(t, "Lock", l.Lock(context.Background()), nil)
	l.Unlock()
	wantPanic(t, "second Unlock", msg, l.Unlock)
	wantErr(t, "Lock after the panic", l.Lock(context.Background()), nil)
	l.Unlock()
}

func TestLockDoneContextFailsEvenIfFree(t *testing.T) {
	t.Parallel()
	var l primitives.Lock
	wantErr(t, "Lock with a done context", l.Lock(cancelled()), context.Canceled)
	if l.Locked() {
		t.Errorf("after failed Lock: Locked got true, want false")
	}
}

func TestLockTimeoutLeavesStateUnchanged(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		var l primitives.Lock
		wantErr(t, "first Lock", l.Lock(context.Background()), nil)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		begin := time.Now()
		wantErr(t, "second Lock", l.Lock(ctx), context.DeadlineExceeded)
		if got := time.Since(begin); got != time.Second {
			t.Errorf("second Lock waited %v, want %v", got, time.Second)
		}
		if !l.Locked() {
			t.Errorf("after timeout: Locked got false, want true")
		}
		l.Unlock()
		// The timed-out waiter left no trace: the fast path works again.
		if !l.TryLock() {
			t.Errorf("TryLock after the timed-out waiter left: got false, want true")
		}
		l.Unlock()
	})
}

func TestLockFIFO(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		var (
			l     primitives.Lock
			mu    sync.Mutex
			order []int
		)
		ctx := context.Background()
		l.Lock(ctx)
		for i := range 5 {
			start(func() error {
				if err := l.Lock(ctx); err != nil {
					return err
				}
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				l.Unlock()
				return nil
			})
		}
		l.Unlock()
		synctest.Wait()
		if want := []int{0, 1, 2, 3, 4}; !slices.Equal(order, want) {
			t.Errorf("order of acquisition: got %v, want %v", order, want)
		}
		if l.Locked() {
			t.Errorf("at the end: Locked got true, want false")
		}
	})
}

func TestLockNoBargingAtHandOff(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		var l primitives.Lock
		ctx := context.Background()
		l.Lock(ctx)
		waiter := start(func() error { return l.Lock(ctx) })
		l.Unlock()
		// Unlock gave the Lock to the waiter: it is not free, even for a
		// moment, so TryLock cannot take it.
		if l.TryLock() {
			t.Errorf("TryLock right after Unlock with a waiter: got true, want false")
		}
		wantResult(t, "waiter", waiter, done(nil))
		if !l.Locked() {
			t.Errorf("held by the waiter: Locked got false, want true")
		}
		l.Unlock()
	})
}

func TestLockCancelledWaiterLeavesLine(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		var l primitives.Lock
		ctx := context.Background()
		l.Lock(ctx)
		first := start(func() error { return l.Lock(ctx) })
		mctx, cancel := context.WithCancel(ctx)
		middle := start(func() error { return l.Lock(mctx) })
		last := start(func() error { return l.Lock(ctx) })
		cancel()
		wantResult(t, "cancelled middle waiter", middle, done(context.Canceled))
		l.Unlock()
		wantResult(t, "first waiter", first, done(nil))
		wantResult(t, "last waiter while first holds the Lock", last, blocked)
		l.Unlock()
		wantResult(t, "last waiter", last, done(nil))
		l.Unlock()
		if !l.TryLock() {
			t.Errorf("TryLock at the end: got false, want true")
		}
	})
}

func TestLockCancelAtHandOffKeepsLock(t *testing.T) {
	t.Parallel()
	for range grantRaces {
		bubble(t, func(t *testing.T) {
			var l primitives.Lock
			l.Lock(context.Background())
			ctx, cancel := context.WithCancel(context.Background())
			waiter := start(func() error { return l.Lock(ctx) })
			primitives.UnlockAfter(&l, cancel)
			wantResult(t, "waiter cancelled as it was handed the Lock", waiter, done(nil))
			if !l.Locked() {
				t.Fatalf("the waiter holds the Lock: Locked got false, want true")
			}
			l.Unlock()
			if !l.TryLock() {
				t.Errorf("after the waiter's Unlock: TryLock got false, want true")
			}
		})
	}
}

// TestLockStress checks mutual exclusion and that no hand-off is lost when
// many goroutines lock with timeouts that expire at random moments.
func TestLockStress(t *testing.T) {
	t.Parallel()
	var (
		l      primitives.Lock
		inside int // guarded by l
		wg     sync.WaitGroup
	)
	for g := range 16 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range stressN(6000) {
				var ok bool
				if r.IntN(4) == 0 {
					ok = l.TryLock()
				} else {
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.IntN(50))*time.Microsecond)
					ok = l.Lock(ctx) == nil
					cancel()
				}
				if !ok {
					continue
				}
				inside++
				if inside != 1 {
					t.Errorf("goroutines inside the Lock: got %d, want 1", inside)
				}
				inside--
				l.Unlock()
			}
		})
	}
	wg.Wait()
	if !l.TryLock() {
		t.Errorf("at the end: TryLock got false, want true")
	}
}
