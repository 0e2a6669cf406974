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
			t.Fatalf("TryLock after the timed-out waiter left: got false, want true")
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

// TestLockFreedBeforeWaiterQueues: a Lock freed after a caller's fast path
// failed but before it reached the internal mutex is taken, not waited for.
func TestLockFreedBeforeWaiterQueues(t *testing.T) {
	t.Parallel()
	var l primitives.Lock
	l.Lock(context.Background())
	errc := make(chan error, 1)
	primitives.WithLockMu(&l, func() {
		go func() { errc <- l.Lock(context.Background()) }()
		time.Sleep(10 * time.Millisecond) // the caller is now blocked on the internal mutex
		l.Unlock()                        // fast path: nobody is queued yet
	})
	select {
	case err := <-errc:
		wantErr(t, "Lock", err, nil)
	case <-time.After(10 * time.Second):
		t.Fatalf("Lock of a Lock freed before it queued: still waiting after 10s")
	}
	if !l.Locked() {
		t.Errorf("Locked: got false, want true")
	}
}

// TestLockWaiterLeavesDuringUnlock: the only waiter cancels while Unlock,
// having seen it, waits for the internal mutex. Either the waiter leaves
// first and Unlock frees the Lock, or Unlock hands it over first and the
// waiter keeps it; never both or neither.
func TestLockWaiterLeavesDuringUnlock(t *testing.T) {
	t.Parallel()
	for range 20 {
		var l primitives.Lock
		l.Lock(context.Background())
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- l.Lock(ctx) }()
		for !waiting(&l) {
			//interleavevet:ignore holdblock l is held on purpose until the goroutine above waits for it
			time.Sleep(time.Millisecond)
		}
		unlocked := make(chan struct{})
		primitives.WithLockMu(&l, func() {
			go func() { l.Unlock(); close(unlocked) }()
			cancel()
			time.Sleep(time.Millisecond) // both now wait for the internal mutex
		})
		<-unlocked
		switch err := <-errc; err {
		case nil:
			if !l.Locked() {
				t.Fatalf("waiter kept the Lock: Locked got false, want true")
			}
			l.Unlock()
		case context.Canceled:
		default:
			t.Fatalf("waiter: got error %v, want nil or %v", err, context.Canceled)
		}
		if !l.TryLock() {
			t.Fatalf("at the end: TryLock got false, want true")
		}
	}
}

// waiting reports whether a goroutine is queued on l.
func waiting(l *primitives.Lock) bool {
	var queued bool
	primitives.WithLockMu(l, func() { queued = primitives.Waiters(l) > 0 })
	return queued
}
