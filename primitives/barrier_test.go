package primitives_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/primitives"
)

func TestBarrierMisusePanics(t *testing.T) {
	t.Parallel()
	wantPanic(t, "NewBarrier(0)", "primitives: NewBarrier with fewer than 1 party", func() { primitives.NewBarrier(0) })
}

func TestBarrierOneParty(t *testing.T) {
	t.Parallel()
	b := primitives.NewBarrier(1)
	for range 3 {
		if i, err := b.Wait(context.Background()); i != 0 || err != nil {
			t.Errorf("Wait: got %d, %v, want 0, nil", i, err)
		}
	}
}

// TestBarrierRounds: each round returns the arrival indices 0..n-1, in
// arrival order, and the barrier is reusable.
func TestBarrierRounds(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		const parties = 4
		b := primitives.NewBarrier(parties)
		if b.Parties() != parties {
			t.Errorf("Parties: got %d, want %d", b.Parties(), parties)
		}
		for round := range 3 {
			index := make([]int, parties)
			var waiters []func() result
			for p := range parties - 1 {
				waiters = append(waiters, start(func() error {
					var err error
					index[p], err = b.Wait(context.Background())
					return err
				}))
				if got := b.Waiting(); got != p+1 {
					t.Errorf("round %d: Waiting got %d, want %d", round, got, p+1)
				}
			}
			wantResult(t, "party before the last arrives", waiters[0], blocked)
			last, err := b.Wait(context.Background())
			index[parties-1] = last
			wantErr(t, "last party", err, nil)
			for _, w := range waiters {
				wantResult(t, "party", w, done(nil))
			}
			if want := []int{0, 1, 2, 3}; !slices.Equal(index, want) {
				t.Errorf("round %d: indices got %v, want %v", round, index, want)
			}
			if got := b.Waiting(); got != 0 {
				t.Errorf("after round %d: Waiting got %d, want 0", round, got)
			}
		}
	})
}

func TestBarrierAbortAndReset(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		ctx := context.Background()
		b := primitives.NewBarrier(3)
		w := start(func() error { _, err := b.Wait(ctx); return err })
		b.Abort()
		wantResult(t, "party waiting at Abort", w, done(primitives.ErrBrokenBarrier))
		if !b.Broken() {
			t.Errorf("after Abort: Broken got false, want true")
		}
		if _, err := b.Wait(ctx); err != primitives.ErrBrokenBarrier {
			t.Errorf("Wait after Abort: got error %v, want %v", err, primitives.ErrBrokenBarrier)
		}
		b.Reset()
		if b.Broken() || b.Waiting() != 0 {
			t.Errorf("after Reset: Broken %v, Waiting %d, want false, 0", b.Broken(), b.Waiting())
		}
		// Reset with parties waiting breaks their round only.
		w = start(func() error { _, err := b.Wait(ctx); return err })
		b.Reset()
		wantResult(t, "party waiting at Reset", w, done(primitives.ErrBrokenBarrier))
		if b.Broken() {
			t.Errorf("after Reset with waiters: Broken got true, want false")
		}
		var parties []func() result
		for range 3 {
			parties = append(parties, start(func() error { _, err := b.Wait(ctx); return err }))
		}
		for _, p := range parties {
			wantResult(t, "party of a round after Reset", p, done(nil))
		}
		b.Abort() // with nobody waiting
		if !b.Broken() {
			t.Errorf("after Abort with nobody waiting: Broken got false, want true")
		}
	})
}

// TestBarrierCancelBreaks: a party that gives up breaks the barrier for
// the others, which fail at once instead of waiting forever.
func TestBarrierCancelBreaks(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		b := primitives.NewBarrier(3)
		ctx, cancel := context.WithCancel(context.Background())
		other := start(func() error { _, err := b.Wait(context.Background()); return err })
		quitter := start(func() error { _, err := b.Wait(ctx); return err })
		cancel()
		wantResult(t, "cancelled party", quitter, done(context.Canceled))
		wantResult(t, "other party", other, done(primitives.ErrBrokenBarrier))
		if !b.Broken() {
			t.Errorf("Broken got false, want true")
		}
	})
}

func TestBarrierDoneContextDoesNotArrive(t *testing.T) {
	t.Parallel()
	b := primitives.NewBarrier(2)
	if _, err := b.Wait(cancelled()); err != context.Canceled {
		t.Errorf("Wait with a done context: got error %v, want %v", err, context.Canceled)
	}
	if b.Waiting() != 0 || b.Broken() {
		t.Errorf("after Wait with a done context: Waiting %d, Broken %v, want 0, false", b.Waiting(), b.Broken())
	}
}

func TestBarrierCancelAtReleaseCounts(t *testing.T) {
	t.Parallel()
	for range grantRaces {
		bubble(t, func(t *testing.T) {
			b := primitives.NewBarrier(2)
			ctx, cancel := context.WithCancel(context.Background())
			var index int
			first := start(func() error {
				var err error
				index, err = b.Wait(ctx)
				return err
			})
			if i, err := primitives.ArriveAfter(b, cancel); i != 1 || err != nil {
				t.Errorf("last arrival: got %d, %v, want 1, nil", i, err)
			}
			wantResult(t, "party cancelled as the round completed", first, done(nil))
			if index != 0 || b.Broken() {
				t.Errorf("got index %d, Broken %v, want 0, false", index, b.Broken())
			}
		})
	}
}

func TestBarrierStress(t *testing.T) {
	t.Parallel()
	const parties = 8
	b := primitives.NewBarrier(parties)
	rounds := stressN(300)
	var (
		mu     sync.Mutex
		counts = make([]int, parties) // how often each index was returned
		wg     sync.WaitGroup
	)
	for range parties {
		wg.Go(func() {
			for range rounds {
				i, err := b.Wait(context.Background())
				if err != nil {
					t.Errorf("Wait: got error %v", err)
					return
				}
				mu.Lock()
				counts[i]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for i, c := range counts {
		if c != rounds {
			t.Errorf("index %d returned %d times, want %d (once a round)", i, c, rounds)
		}
	}
}
