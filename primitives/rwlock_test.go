package primitives_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/primitives"
)

func TestRWLockZeroValue(t *testing.T) {
	t.Parallel()
	var rw primitives.RWLock
	ctx := context.Background()
	tests := []struct {
		what string
		got  bool
		want bool
	}{
		{"RLock of a zero RWLock", rw.RLock(ctx) == nil, true},
		{"TryRLock beside a reader", rw.TryRLock(), true},
		{"TryLock beside readers", rw.TryLock(), false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.what, tt.got, tt.want)
		}
	}
	rw.RUnlock()
	rw.RUnlock()
	if !rw.TryLock() {
		t.Fatalf("TryLock of a free RWLock: got false, want true")
	}
	if rw.TryRLock() || rw.TryLock() {
		t.Errorf("TryRLock or TryLock beside a writer: got true, want false")
	}
	rw.Unlock()
	wantErr(t, "Lock of a free RWLock", rw.Lock(ctx), nil)
	rw.Unlock()
}

func TestRWLockMisusePanics(t *testing.T) {
	t.Parallel()
	var rw primitives.RWLock
	wantPanic(t, "Unlock of a free RWLock", "primitives: Unlock of RWLock not locked for writing", rw.Unlock)
	wantPanic(t, "RUnlock of a free RWLock", "primitives: RUnlock of RWLock not locked for reading", rw.RUnlock)
	rw.RLock(context.Background())
	wantPanic(t, "Unlock of a read-locked RWLock", "primitives: Unlock of RWLock not locked for writing", rw.Unlock)
	rw.RUnlock()
	rw.Lock(context.Background())
	wantPanic(t, "RUnlock of a write-locked RWLock", "primitives: RUnlock of RWLock not locked for reading", rw.RUnlock)
}

func TestRWLockDoneContext(t *testing.T) {
	t.Parallel()
	var rw primitives.RWLock
	wantErr(t, "Lock with a done context", rw.Lock(cancelled()), context.Canceled)
	wantErr(t, "RLock with a done context", rw.RLock(cancelled()), context.Canceled)
	if !rw.TryLock() {
		t.Errorf("after failed calls: TryLock got false, want true")
	}
}

// TestRWLockWriterNotStarved: once a writer waits, later readers wait
// behind it although readers hold the lock.
func TestRWLockWriterNotStarved(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		var rw primitives.RWLock
		ctx := context.Background()
		rw.RLock(ctx)
		writer := start(func() error { return rw.Lock(ctx) })
		if rw.TryRLock() {
			t.Errorf("TryRLock with a writer waiting: got true, want false")
		}
		reader := start(func() error { return rw.RLock(ctx) })
		wantResult(t, "reader behind a waiting writer", reader, blocked)
		rw.RUnlock()
		wantResult(t, "writer after the readers left", writer, done(nil))
		wantResult(t, "reader while the writer holds the lock", reader, blocked)
		rw.Unlock()
		wantResult(t, "reader after the writer", reader, done(nil))
		rw.RUnlock()
	})
}

// TestRWLockReadersEnterTogether: the readers at the front of the line
// enter together, up to the next writer, in arrival order.
func TestRWLockReadersEnterTogether(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		var rw primitives.RWLock
		ctx := context.Background()
		rw.Lock(ctx)
		r1 := start(func() error { return rw.RLock(ctx) })
		r2 := start(func() error { return rw.RLock(ctx) })
		w2 := start(func() error { return rw.Lock(ctx) })
		r3 := start(func() error { return rw.RLock(ctx) })
		rw.Unlock()
		wantResult(t, "r1", r1, done(nil))
		wantResult(t, "r2", r2, done(nil))
		wantResult(t, "w2 behind readers", w2, blocked)
		wantResult(t, "r3 behind w2", r3, blocked)
		rw.RUnlock()
		rw.RUnlock()
		wantResult(t, "w2", w2, done(nil))
		wantResult(t, "r3 while w2 holds", r3, blocked)
		rw.Unlock()
		wantResult(t, "r3", r3, done(nil))
		rw.RUnlock()
	})
}

// TestRWLockCancelledWriterLetsReadersIn: a waiting writer that gives up
// must let in the readers that waited only because of it.
func TestRWLockCancelledWriterLetsReadersIn(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		var rw primitives.RWLock
		ctx := context.Background()
		rw.RLock(ctx)
		wctx, cancel := context.WithCancel(ctx)
		writer := start(func() error { return rw.Lock(wctx) })
		reader := start(func() error { return rw.RLock(ctx) })
		wantResult(t, "reader behind the writer", reader, blocked)
		cancel()
		wantResult(t, "cancelled writer", writer, done(context.Canceled))
		wantResult(t, "reader once the writer left", reader, done(nil))
		rw.RUnlock()
		rw.RUnlock()
		if !rw.TryLock() {
			t.Errorf("at the end: TryLock got false, want true")
		}
	})
}

func TestRWLockCancelAtGrantKeepsLock(t *testing.T) {
	t.Parallel()
	for range grantRaces {
		bubble(t, func(t *testing.T) {
			var rw primitives.RWLock
			rw.Lock(context.Background())
			ctx, cancel := context.WithCancel(context.Background())
			reader := start(func() error { return rw.RLock(ctx) })
			primitives.RWUnlockAfter(&rw, cancel)
			wantResult(t, "reader cancelled as it was let in", reader, done(nil))
			if rw.TryLock() {
				t.Fatalf("TryLock while the reader holds: got true, want false")
			}
			rw.RUnlock()
			if !rw.TryLock() {
				t.Errorf("after the reader's RUnlock: TryLock got false, want true")
			}
		})
	}
}

func TestRWLockStress(t *testing.T) {
	t.Parallel()
	var (
		rw      primitives.RWLock
		mu      sync.Mutex // guards the counts, which the RWLock must keep consistent
		readers int
		writers int
		wg      sync.WaitGroup
	)
	enter := func(write bool) {
		mu.Lock()
		defer mu.Unlock()
		if write {
			writers++
		} else {
			readers++
		}
		if writers > 1 || (writers == 1 && readers > 0) {
			t.Errorf("inside the RWLock: got %d writers and %d readers", writers, readers)
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
	for g := range 16 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 2))
			for range stressN(6000) {
				write := r.IntN(3) == 0
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.IntN(50))*time.Microsecond)
				var err error
				if write {
					err = rw.Lock(ctx)
				} else {
					err = rw.RLock(ctx)
				}
				cancel()
				if err != nil {
					continue
				}
				enter(write)
				leave(write)
				if write {
					rw.Unlock()
				} else {
					rw.RUnlock()
				}
			}
		})
	}
	wg.Wait()
	if !rw.TryLock() {
		t.Errorf("at the end: TryLock got false, want true")
	}
}
