package primitives_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/primitives"
)

// sem is what Semaphore and BoundedSemaphore have in common.
type sem interface {
	Acquire(ctx context.Context, n int64) error
	TryAcquire(n int64) bool
	Release(n int64)
	Value() int64
}

var sems = []struct {
	name string
	new  func(n int64) sem
}{
	{"Semaphore", func(n int64) sem { return primitives.NewSemaphore(n) }},
	{"BoundedSemaphore", func(n int64) sem { return primitives.NewBoundedSemaphore(n) }},
}

func wantValue(t *testing.T, what string, s sem, want int64) {
	t.Helper()
	if got := s.Value(); got != want {
		t.Errorf("%s: Value got %d, want %d", what, got, want)
	}
}

func TestSemaphoreBasics(t *testing.T) {
	t.Parallel()
	for _, tt := range sems {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.new(3)
			ctx := context.Background()
			wantValue(t, "new", s, 3)
			wantErr(t, "Acquire(2)", s.Acquire(ctx, 2), nil)
			wantValue(t, "after Acquire(2)", s, 1)
			if s.TryAcquire(2) {
				t.Errorf("TryAcquire(2) with 1 left: got true, want false")
			}
			if !s.TryAcquire(1) {
				t.Errorf("TryAcquire(1) with 1 left: got false, want true")
			}
			if !s.TryAcquire(0) {
				t.Errorf("TryAcquire(0) with none left: got false, want true")
			}
			wantValue(t, "after TryAcquire(1)", s, 0)
			s.Release(3)
			wantValue(t, "after Release(3)", s, 3)
			wantErr(t, "Acquire with a done context", s.Acquire(cancelled(), 1), context.Canceled)
			wantValue(t, "after failed Acquire", s, 3)
		})
	}
}

func TestSemaphoreMisusePanics(t *testing.T) {
	t.Parallel()
	wantPanic(t, "NewSemaphore(-1)", "primitives: NewSemaphore with a negative count", func() { primitives.NewSemaphore(-1) })
	wantPanic(t, "NewBoundedSemaphore(-1)", "primitives: NewBoundedSemaphore with a negative count", func() { primitives.NewBoundedSemaphore(-1) })
	for _, tt := range sems {
		s := tt.new(1)
		wantPanic(t, tt.name+".Acquire(-1)", "primitives: Acquire of a negative number of permits", func() { s.Acquire(context.Background(), -1) })
		wantPanic(t, tt.name+".TryAcquire(-1)", "primitives: TryAcquire of a negative number of permits", func() { s.TryAcquire(-1) })
		wantPanic(t, tt.name+".Release(-1)", "primitives: Release of a negative number of permits", func() { s.Release(-1) })
		wantValue(t, tt.name+" after the panics", s, 1)
	}
}

func TestSemaphoreReleaseAboveInitial(t *testing.T) {
	t.Parallel()
	s := primitives.NewSemaphore(1)
	s.Release(2)
	wantValue(t, "Semaphore after Release(2)", s, 3)

	b := primitives.NewBoundedSemaphore(2)
	b.Acquire(context.Background(), 1)
	wantPanic(t, "BoundedSemaphore.Release(2) with 1 held", "primitives: BoundedSemaphore released too many times", func() { b.Release(2) })
	wantValue(t, "BoundedSemaphore after the panic", b, 1)
	b.Release(1)
	wantPanic(t, "BoundedSemaphore.Release(1) with none held", "primitives: BoundedSemaphore released too many times", func() { b.Release(1) })
	wantValue(t, "BoundedSemaphore at the end", b, 2)
}

// TestBoundedSemaphoreOversizedRequest: a request above the bound can never
// be met; it waits for its context without holding up anyone else.
func TestBoundedSemaphoreOversizedRequest(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		b := primitives.NewBoundedSemaphore(2)
		ctx, cancel := context.WithCancel(context.Background())
		big := start(func() error { return b.Acquire(ctx, 3) })
		wantResult(t, "Acquire(3) of 2", big, blocked)
		if !b.TryAcquire(2) {
			t.Errorf("TryAcquire(2) behind an oversized request: got false, want true")
		}
		cancel()
		wantResult(t, "Acquire(3) after cancel", big, done(context.Canceled))
		wantValue(t, "at the end", b, 0)
	})
}

// TestSemaphoreFIFO: a large request is served before later small ones
// that would fit.
func TestSemaphoreFIFO(t *testing.T) {
	t.Parallel()
	for _, tt := range sems {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bubble(t, func(t *testing.T) {
				s := tt.new(3)
				ctx := context.Background()
				s.Acquire(ctx, 2)
				big := start(func() error { return s.Acquire(ctx, 3) })
				small := start(func() error { return s.Acquire(ctx, 1) })
				if s.TryAcquire(1) {
					t.Errorf("TryAcquire(1) with a waiter: got true, want false")
				}
				wantResult(t, "small request behind a large one", small, blocked)
				wantValue(t, "while both wait", s, 1)
				s.Release(2)
				wantResult(t, "large request", big, done(nil))
				wantResult(t, "small request with none left", small, blocked)
				s.Release(1)
				wantResult(t, "small request", small, done(nil))
				wantValue(t, "at the end", s, 0)
			})
		})
	}
}

// TestSemaphoreCancelledHeadLetsSmallerIn: when the large request at the
// front gives up, the smaller ones behind it that fit go in at once.
func TestSemaphoreCancelledHeadLetsSmallerIn(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		s := primitives.NewSemaphore(3)
		ctx := context.Background()
		s.Acquire(ctx, 2)
		bctx, cancel := context.WithCancel(ctx)
		big := start(func() error { return s.Acquire(bctx, 3) })
		small := start(func() error { return s.Acquire(ctx, 1) })
		cancel()
		wantResult(t, "cancelled large request", big, done(context.Canceled))
		wantResult(t, "small request once the large one left", small, done(nil))
		wantValue(t, "at the end", s, 0)
	})
}

func TestSemaphoreTimeoutLeavesStateUnchanged(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		s := primitives.NewSemaphore(1)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		wantErr(t, "Acquire(2) of 1", s.Acquire(ctx, 2), context.DeadlineExceeded)
		wantValue(t, "after the timeout", s, 1)
		if !s.TryAcquire(1) {
			t.Errorf("TryAcquire(1) after the waiter left: got false, want true")
		}
	})
}

func TestSemaphoreCancelAtGrantKeepsPermits(t *testing.T) {
	t.Parallel()
	for range grantRaces {
		bubble(t, func(t *testing.T) {
			s := primitives.NewSemaphore(0)
			ctx, cancel := context.WithCancel(context.Background())
			waiter := start(func() error { return s.Acquire(ctx, 2) })
			primitives.ReleaseAfter(s, 3, cancel)
			wantResult(t, "waiter cancelled as it was granted", waiter, done(nil))
			wantValue(t, "after the grant", s, 1)
		})
	}
}

// TestSemaphoreStress checks that at most n permits are ever held and that
// none is lost when many goroutines acquire random weights with timeouts.
func TestSemaphoreStress(t *testing.T) {
	t.Parallel()
	for _, tt := range sems {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			const size = 5
			var (
				s    = tt.new(size)
				mu   sync.Mutex
				held int64
				wg   sync.WaitGroup
			)
			for g := range 16 {
				wg.Go(func() {
					r := rand.New(rand.NewPCG(uint64(g), 3))
					for range stressN(6000) {
						n := int64(1 + r.IntN(size))
						ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.IntN(50))*time.Microsecond)
						err := s.Acquire(ctx, n)
						cancel()
						if err != nil {
							continue
						}
						mu.Lock()
						held += n
						if held > size {
							t.Errorf("permits held: got %d, want at most %d", held, size)
						}
						held -= n
						mu.Unlock()
						s.Release(n)
					}
				})
			}
			wg.Wait()
			wantValue(t, "at the end", s, size)
		})
	}
}
