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

func TestLimiterMisusePanics(t *testing.T) {
	t.Parallel()
	wantPanic(t, "negative interval", "primitives: NewLimiter with a negative interval", func() { primitives.NewLimiter(-1, 1) })
	wantPanic(t, "burst 0", "primitives: NewLimiter with a burst less than 1", func() { primitives.NewLimiter(time.Second, 0) })
	wantPanic(t, "overflow", "primitives: NewLimiter interval*burst overflows time.Duration", func() { primitives.NewLimiter(time.Hour, 1<<40) })
}

// allows calls Allow n times and returns the results.
func allows(l *primitives.Limiter, n int) []bool {
	var got []bool
	for range n {
		got = append(got, l.Allow())
	}
	return got
}

func TestLimiterAllowBurstAndRefill(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		l := primitives.NewLimiter(time.Second, 3)
		steps := []struct {
			sleep time.Duration
			want  []bool
		}{
			{0, []bool{true, true, true, false}},                 // a full bucket to start with
			{time.Second, []bool{true, false}},                   // one token a second
			{999 * time.Millisecond, []bool{false}},              // not yet
			{time.Millisecond, []bool{true, false}},              // now
			{time.Hour, []bool{true, true, true, false}},         // the bucket holds at most burst
			{2500 * time.Millisecond, []bool{true, true, false}}, // whole tokens only
			{500 * time.Millisecond, []bool{true, false}},        // the half token was kept
		}
		for i, s := range steps {
			time.Sleep(s.sleep)
			if got := allows(l, len(s.want)); !slices.Equal(got, s.want) {
				t.Errorf("step %d (after %v): Allow got %v, want %v", i, s.sleep, got, s.want)
			}
		}
	})
}

func TestLimiterUnlimited(t *testing.T) {
	t.Parallel()
	l := primitives.NewLimiter(0, 1)
	for range 100 {
		if !l.Allow() {
			t.Fatalf("Allow of an unlimited Limiter: got false, want true")
		}
	}
	wantErr(t, "Wait of an unlimited Limiter", l.Wait(context.Background()), nil)
	if d := l.Reserve().Delay(); d != 0 {
		t.Errorf("Reserve of an unlimited Limiter: Delay got %v, want 0", d)
	}
}

func TestLimiterDoneContext(t *testing.T) {
	t.Parallel()
	l := primitives.NewLimiter(time.Hour, 1)
	wantErr(t, "Wait with a done context", l.Wait(cancelled()), context.Canceled)
	if !l.Allow() {
		t.Errorf("Allow after the failed Wait: got false, want true (no token taken)")
	}
}

// waitTimes starts n goroutines, one after another, that each Wait on l,
// and returns, for each, how long after the start it got its token (or -1
// if its Wait failed). ctxs gives each its context.
func waitTimes(l *primitives.Limiter, ctxs []context.Context) []time.Duration {
	begin := time.Now()
	got := make([]time.Duration, len(ctxs))
	var wg sync.WaitGroup
	for i, ctx := range ctxs {
		wg.Go(func() {
			if l.Wait(ctx) != nil {
				got[i] = -1
				return
			}
			got[i] = time.Since(begin)
		})
		synctest.Wait()
	}
	wg.Wait()
	return got
}

func TestLimiterWaitFIFO(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		l := primitives.NewLimiter(time.Second, 2)
		ctxs := make([]context.Context, 5)
		for i := range ctxs {
			ctxs[i] = context.Background()
		}
		got := waitTimes(l, ctxs)
		want := []time.Duration{0, 0, time.Second, 2 * time.Second, 3 * time.Second}
		if !slices.Equal(got, want) {
			t.Errorf("Wait returned after %v, want %v", got, want)
		}
	})
}

// TestLimiterCancelHandsPlaceOn: a waiter that gives up moves everyone
// behind it forward, so no token is lost.
func TestLimiterCancelHandsPlaceOn(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		l := primitives.NewLimiter(time.Second, 1)
		l.Allow()
		bg := context.Background()
		quit, cancel := context.WithTimeout(bg, 1500*time.Millisecond)
		defer cancel()
		got := waitTimes(l, []context.Context{bg, quit, bg, bg})
		// Without the hand-off the last two would get theirs at 3s and 4s.
		want := []time.Duration{time.Second, -1, 2 * time.Second, 3 * time.Second}
		if !slices.Equal(got, want) {
			t.Errorf("Wait returned after %v, want %v", got, want)
		}
	})
}

func TestLimiterAllowDoesNotOvertake(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		l := primitives.NewLimiter(time.Second, 1)
		l.Allow()
		w := start(func() error { return l.Wait(context.Background()) })
		time.Sleep(time.Second)
		if l.Allow() {
			t.Errorf("Allow when the token is due to a waiter: got true, want false")
		}
		wantResult(t, "waiter", w, done(nil))
	})
}

func TestLimiterCancelAtGrantKeepsToken(t *testing.T) {
	t.Parallel()
	for range grantRaces {
		bubble(t, func(t *testing.T) {
			l := primitives.NewLimiter(time.Second, 1)
			l.Allow()
			// The deadline and the token fall due at the same instant.
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			wantErr(t, "Wait whose deadline is its token's due time", l.Wait(ctx), nil)
			if l.Allow() {
				t.Errorf("Allow after the Wait took the token: got true, want false")
			}

			// Cancelled in the same critical section as the grant, for
			// Wait and for Reservation.Wait.
			ctx, cancel = context.WithCancel(context.Background())
			w := start(func() error { return l.Wait(ctx) })
			primitives.GrantNextAfter(l, cancel)
			r := l.Reserve()
			ctx2, cancel2 := context.WithCancel(context.Background())
			rw := start(func() error { return r.Wait(ctx2) })
			primitives.GrantNextAfter(l, cancel2)
			wantResult(t, "Wait cancelled at its token's due time", w, done(nil))
			wantResult(t, "Reservation.Wait cancelled at its token's due time", rw, done(nil))
			if d := r.Delay(); d != 0 {
				t.Errorf("Delay of the granted Reservation: got %v, want 0", d)
			}
		})
	}
}

func TestLimiterReserve(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		l := primitives.NewLimiter(time.Second, 1)
		delays := func(rs ...*primitives.Reservation) []time.Duration {
			var d []time.Duration
			for _, r := range rs {
				d = append(d, r.Delay())
			}
			return d
		}
		r0, r1, r2, r3 := l.Reserve(), l.Reserve(), l.Reserve(), l.Reserve()
		if got, want := delays(r0, r1, r2, r3), []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second}; !slices.Equal(got, want) {
			t.Errorf("Delays: got %v, want %v", got, want)
		}
		r1.Cancel()
		r1.Cancel() // twice does nothing
		if got, want := delays(r2, r3), []time.Duration{time.Second, 2 * time.Second}; !slices.Equal(got, want) {
			t.Errorf("Delays after cancelling r1: got %v, want %v", got, want)
		}
		wantPanic(t, "Delay of a cancelled Reservation", "primitives: Delay of a cancelled Reservation", func() { r1.Delay() })
		wantPanic(t, "Wait on a cancelled Reservation", "primitives: Wait on a cancelled Reservation", func() { r1.Wait(context.Background()) })

		// Waiting on a Reservation: a timeout keeps the place.
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		wantErr(t, "r2.Wait with a short timeout", r2.Wait(ctx), context.DeadlineExceeded)
		if d := r2.Delay(); d != 500*time.Millisecond {
			t.Errorf("r2.Delay after the timeout: got %v, want 500ms", d)
		}
		begin := time.Now()
		wantErr(t, "r2.Wait", r2.Wait(context.Background()), nil)
		if d := time.Since(begin); d != 500*time.Millisecond {
			t.Errorf("r2.Wait took %v, want 500ms", d)
		}
		wantErr(t, "r2.Wait again", r2.Wait(context.Background()), nil)
		wantErr(t, "r2.Wait with a done context", r2.Wait(cancelled()), context.Canceled)
		r2.Cancel() // after the grant: does nothing
		if d := r3.Delay(); d != time.Second {
			t.Errorf("r3.Delay after r2's late Cancel: got %v, want 1s", d)
		}
	})
}

// TestLimiterReservationGrantedUnwatched: a Reservation nobody waits on is
// granted at its time all the same, and the tokens after it are not
// affected by when someone looks.
func TestLimiterReservationGrantedUnwatched(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		l := primitives.NewLimiter(time.Second, 1)
		l.Allow()
		r := l.Reserve()
		time.Sleep(5 * time.Second)
		if d := r.Delay(); d != 0 {
			t.Errorf("Delay long after the due time: got %v, want 0", d)
		}
		if got, want := allows(l, 2), []bool{true, false}; !slices.Equal(got, want) {
			t.Errorf("Allow after the reservation: got %v, want %v", got, want)
		}
	})
}

// TestLimiterCancelDuringReservationWait: Cancel while someone waits on the
// same Reservation wakes them with a panic-free error path for the Cancel
// and a panic for the misuse in Wait.
func TestLimiterCancelDuringReservationWait(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		l := primitives.NewLimiter(time.Second, 1)
		l.Allow()
		r := l.Reserve()
		var got any
		w := start(func() error {
			defer func() { got = recover() }()
			return r.Wait(context.Background())
		})
		r.Cancel()
		wantResult(t, "Wait on a Reservation cancelled meanwhile", w, done(nil))
		if got != "primitives: Wait on a cancelled Reservation" {
			t.Errorf("Wait on a Reservation cancelled meanwhile: panic got %v", got)
		}
	})
}

// TestLimiterConforms drives a Limiter with random waiters, timeouts,
// Allows and Reservations, and checks that the events it let through never
// exceed the bucket: in any window of length d there are at most
// burst + d/every of them.
func TestLimiterConforms(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		const (
			every = 10 * time.Millisecond
			burst = 3
		)
		l := primitives.NewLimiter(every, burst)
		var (
			mu     sync.Mutex
			events []time.Time
			wg     sync.WaitGroup
		)
		record := func() {
			mu.Lock()
			events = append(events, time.Now())
			mu.Unlock()
		}
		for g := range 8 {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(g), 6))
				for range stressN(300) {
					time.Sleep(time.Duration(r.IntN(40)) * time.Millisecond)
					switch r.IntN(4) {
					case 0:
						if l.Allow() {
							record()
						}
					case 1:
						res := l.Reserve()
						if r.IntN(2) == 0 {
							res.Cancel()
						} else if res.Wait(context.Background()) == nil {
							record()
						}
					default:
						ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.IntN(60))*time.Millisecond)
						if l.Wait(ctx) == nil {
							record()
						}
						cancel()
					}
				}
			})
		}
		wg.Wait()
		slices.SortFunc(events, func(a, b time.Time) int { return a.Compare(b) })
		for i := range events {
			for j := i; j < len(events); j++ {
				if allowed := burst + int(events[j].Sub(events[i])/every); j-i+1 > allowed {
					t.Fatalf("%d events in %v, want at most %d", j-i+1, events[j].Sub(events[i]), allowed)
				}
			}
		}
		if len(events) == 0 {
			t.Fatalf("no events let through")
		}
	})
}
