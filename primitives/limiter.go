package primitives

import (
	"context"
	"math"
	"sync"
	"time"
)

// Limiter is a token-bucket rate limiter: a token is added every interval,
// the bucket holds at most burst tokens, and each event takes one. It is the
// "semaphore replenished by a background task" done without the task: the
// tokens are worked out from the clock whenever the Limiter is used, so a
// Limiter starts no goroutine and costs nothing while idle.
//
// Waiters are served first come, first served; Allow and Reserve do not
// overtake them. A waiter that gives up hands its place on: the waiters
// behind it move forward and get their tokens sooner, so cancellation
// neither loses tokens nor lets through more events than the rate allows.
//
// Time comes from time.Now and time.NewTimer only, so a Limiter runs on
// whatever clock those functions read (a testing/synctest bubble, or the
// virtual clock of the interleave harness). A Limiter must be created with
// NewLimiter and must not be copied.
type Limiter struct {
	_ noCopy

	every time.Duration // 0: no limit
	full  time.Duration // every * burst: the time a bucket takes to fill

	mu sync.Mutex
	// zero is the time at which the bucket was, or will be, empty: it holds
	// (now-zero)/every tokens, at most burst of them while nobody waits.
	// Taking a token moves zero one interval later.
	zero  time.Time
	queue waitList[limitEntry]
}

// limitEntry is the state of one place in a Limiter's line.
type limitEntry struct {
	at   time.Time     // when the token was granted; set before ready is closed
	wake chan struct{} // buffered: poked when the entry moves forward or leaves
	gone bool          // taken out of line without a grant
}

// NewLimiter returns a Limiter that allows one event every interval, and
// bursts of up to burst events; it starts with a full bucket. An interval of
// 0 means no limit. It panics if interval is negative, burst is less than
// 1, or interval*burst overflows a time.Duration.
func NewLimiter(every time.Duration, burst int) *Limiter {
	if every < 0 {
		panic("primitives: NewLimiter with a negative interval")
	}
	if burst < 1 {
		panic("primitives: NewLimiter with a burst less than 1")
	}
	if every > 0 && int64(burst) > math.MaxInt64/int64(every) {
		panic("primitives: NewLimiter interval*burst overflows time.Duration")
	}
	full := every * time.Duration(burst)
	return &Limiter{every: every, full: full, zero: time.Now().Add(-full)}
}

// Allow takes a token if one is available and nobody is waiting, and
// reports whether it did. It never waits.
func (l *Limiter) Allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.takeLocked(time.Now())
}

// Wait takes a token, waiting in line until one is due to the caller or ctx
// is done. It returns nil once the token is taken, or ctx.Err() having taken
// nothing, its place going to the waiters behind it. If the token falls due
// at the moment ctx is done, the caller keeps it and Wait returns nil. If ctx
// is done before the call, Wait fails even if a token is available.
func (l *Limiter) Wait(ctx context.Context) error {
	done := ctx.Done()
	if ctxDone(done) {
		return ctx.Err()
	}
	l.mu.Lock()
	now := time.Now()
	if l.takeLocked(now) {
		l.mu.Unlock()
		return nil
	}
	w := l.enqueueLocked(now)
	l.mu.Unlock()

	if l.wait(w, done) {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.advanceLocked(time.Now())
	if w.granted() {
		return nil // the token fell due as ctx was cancelled: keep it
	}
	l.removeLocked(w)
	return ctx.Err()
}

// Reserve takes a place in line for a token without waiting for it, and
// returns the place. The token is the caller's once r.Delay() is 0: wait
// with r.Wait, or sleep r.Delay(), and act then; call r.Cancel to give the
// place up. A Reservation holds its place whether or not anyone waits on it,
// so Reserve is for callers that schedule an event rather than block for
// it.
func (l *Limiter) Reserve() *Reservation {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.takeLocked(now) {
		w := newWaiter(limitEntry{at: now})
		close(w.ready)
		return &Reservation{l: l, w: w}
	}
	return &Reservation{l: l, w: l.enqueueLocked(now)}
}

// takeLocked takes a token for an event now if one is available and nobody
// is in line. l.mu must be held.
func (l *Limiter) takeLocked(now time.Time) bool {
	if l.every == 0 {
		return true
	}
	l.advanceLocked(now)
	if l.queue.len() > 0 {
		return false
	}
	// Nobody in line: tokens beyond burst spilled over while idle.
	if floor := now.Add(-l.full); l.zero.Before(floor) {
		l.zero = floor
	}
	next := l.zero.Add(l.every)
	if next.After(now) {
		return false
	}
	l.zero = next
	return true
}

// enqueueLocked puts a new entry at the back of the line. takeLocked must
// just have failed, so the bucket has been capped. l.mu must be held.
func (l *Limiter) enqueueLocked(now time.Time) *waiter[limitEntry] {
	w := newWaiter(limitEntry{wake: make(chan struct{}, 1)})
	l.queue.pushBack(w)
	return w
}

// advanceLocked grants every entry at the front of the line whose token has
// fallen due by now, each at the exact time it fell due: the grants do not
// depend on when someone looks, so entries nobody waits on (Reservations)
// are granted on time all the same. l.mu must be held.
func (l *Limiter) advanceLocked(now time.Time) {
	for w := l.queue.front(); w != nil; w = l.queue.front() {
		due := l.zero.Add(l.every)
		if due.After(now) {
			return
		}
		l.zero = due
		l.queue.remove(w)
		w.val.at = due
		close(w.ready)
	}
}

// dueLocked returns when w's token falls due if nobody ahead of it leaves
// the line. l.mu must be held and w must be in line.
func (l *Limiter) dueLocked(w *waiter[limitEntry]) time.Time {
	ahead := 0
	for x := l.queue.front(); x != w; x = x.next {
		ahead++
	}
	return l.zero.Add(time.Duration(ahead+1) * l.every)
}

// removeLocked takes w, which has not been granted, out of the line. The
// entries behind it move forward one place; the ones blocked in wait are
// poked so that they set their timers earlier. l.mu must be held.
func (l *Limiter) removeLocked(w *waiter[limitEntry]) {
	for x := w; x != nil; x = x.next {
		select {
		case x.val.wake <- struct{}{}:
		default: // already poked
		}
	}
	l.queue.remove(w)
	w.val.gone = true
}

// wait blocks until w is granted, and returns true, or until done is
// closed or w leaves the line, and returns false. It sleeps on a timer set
// for w's due time, and sets it again when w moves forward; it never polls.
func (l *Limiter) wait(w *waiter[limitEntry], done <-chan struct{}) bool {
	for {
		l.mu.Lock()
		now := time.Now()
		l.advanceLocked(now)
		if w.granted() || w.val.gone {
			l.mu.Unlock()
			return !w.val.gone
		}
		d := l.dueLocked(w).Sub(now)
		l.mu.Unlock()

		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-w.val.wake:
		case <-w.ready:
		case <-done:
			t.Stop()
			return false
		}
		t.Stop()
	}
}

// Reservation is a place in a Limiter's line, returned by Limiter.Reserve.
type Reservation struct {
	l         *Limiter
	w         *waiter[limitEntry]
	cancelled bool // guarded by l.mu
}

// Delay returns how long until the reserved token is the holder's, or 0 if
// it is already. The delay can only shrink: it assumes that everyone ahead
// keeps their place, and those who leave bring it forward. Delay panics if r
// was cancelled.
func (r *Reservation) Delay() time.Duration {
	l := r.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if r.cancelled {
		panic("primitives: Delay of a cancelled Reservation")
	}
	now := time.Now()
	l.advanceLocked(now)
	if r.w.granted() {
		return 0
	}
	return l.dueLocked(r.w).Sub(now)
}

// Wait waits until the reserved token is the holder's, and returns nil, or
// until ctx is done, and returns ctx.Err() with r still in line: the holder
// may Wait again or Cancel. If the token falls due at the moment ctx is
// done, Wait returns nil. If ctx is done before the call, Wait fails even if
// the token is due. Wait panics if r is cancelled, before or during the
// call.
func (r *Reservation) Wait(ctx context.Context) error {
	done := ctx.Done()
	if ctxDone(done) {
		return ctx.Err()
	}
	l := r.l
	l.mu.Lock()
	cancelled := r.cancelled
	l.mu.Unlock()
	if !cancelled && l.wait(r.w, done) {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if r.cancelled {
		panic("primitives: Wait on a cancelled Reservation")
	}
	l.advanceLocked(time.Now())
	if r.w.granted() {
		return nil
	}
	return ctx.Err()
}

// Cancel gives r's place up if its token has not fallen due yet: the
// entries behind it move forward, as if r had never been made. Once the
// token has fallen due Cancel does nothing, as with golang.org/x/time/rate:
// the limiter cannot tell whether the event happened. Cancelling twice does
// nothing.
func (r *Reservation) Cancel() {
	l := r.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if r.cancelled {
		return
	}
	r.cancelled = true
	l.advanceLocked(time.Now())
	if !r.w.granted() {
		l.removeLocked(r.w)
	}
}
