package primitives_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/primitives"
)

func TestEventZeroValue(t *testing.T) {
	t.Parallel()
	var e primitives.Event
	steps := []struct {
		what string
		do   func()
		want bool
	}{
		{"zero Event", func() {}, false},
		{"after Set", e.Set, true},
		{"after second Set", e.Set, true},
		{"after Clear", e.Clear, false},
		{"after second Clear", e.Clear, false},
		{"after Set again", e.Set, true},
	}
	for _, s := range steps {
		s.do()
		if got := e.IsSet(); got != s.want {
			t.Errorf("%s: IsSet got %v, want %v", s.what, got, s.want)
		}
	}
	wantErr(t, "Wait on a set Event", e.Wait(context.Background()), nil)
	wantErr(t, "Wait on a set Event with a done context", e.Wait(cancelled()), context.Canceled)
	if !e.IsSet() {
		t.Errorf("after failed Wait: IsSet got false, want true")
	}
}

// TestEventSetWakesEveryWaiter: a Set reaches every goroutine that was
// waiting, even if Clear follows at once.
func TestEventSetWakesEveryWaiter(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		var e primitives.Event
		var waiters []func() result
		for range 10 {
			waiters = append(waiters, start(func() error { return e.Wait(context.Background()) }))
		}
		e.Set()
		e.Clear()
		for i, w := range waiters {
			wantResult(t, "waiter "+string(rune('0'+i)), w, done(nil))
		}
		late := start(func() error { return e.Wait(context.Background()) })
		wantResult(t, "waiter after Clear", late, blocked)
		e.Set()
		wantResult(t, "waiter after the second Set", late, done(nil))
	})
}

func TestEventTimeout(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		var e primitives.Event
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		wantErr(t, "Wait on a clear Event", e.Wait(ctx), context.DeadlineExceeded)
		if e.IsSet() {
			t.Errorf("after the timeout: IsSet got true, want false")
		}
		w := start(func() error { return e.Wait(context.Background()) })
		e.Set()
		wantResult(t, "waiter after a timed-out one", w, done(nil))
	})
}

func TestEventCancelAtSetCounts(t *testing.T) {
	t.Parallel()
	for range grantRaces {
		bubble(t, func(t *testing.T) {
			var e primitives.Event
			ctx, cancel := context.WithCancel(context.Background())
			w := start(func() error { return e.Wait(ctx) })
			primitives.SetAfter(&e, cancel)
			wantResult(t, "waiter cancelled as the Event was set", w, done(nil))
		})
	}
}

// TestEventStress: with Set and Clear racing with the waiters' arrival,
// every waiter returns without an error.
func TestEventStress(t *testing.T) {
	t.Parallel()
	for range stressN(200) {
		var (
			e     primitives.Event
			wg    sync.WaitGroup
			ready sync.WaitGroup
		)
		for range 8 {
			ready.Add(1)
			wg.Go(func() {
				ready.Done()
				if err := e.Wait(context.Background()); err != nil {
					t.Errorf("Wait: got error %v, want nil", err)
				}
			})
		}
		ready.Wait()
		e.Set()
		e.Clear()
		// A waiter past ready.Done may not have called Wait before the
		// Clear: it waits for the next Set. (interleave test found the
		// schedule where this test, without the second Set, hung.)
		e.Set()
		wg.Wait()
	}
}
