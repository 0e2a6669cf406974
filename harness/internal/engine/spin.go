package engine

import "time"

// A goroutine that reads the clock again and again while it stands still
// is waiting for time to pass: a loop that checks a cache entry until it
// expires, a helper that burns CPU until time.Since(start) reaches d. On
// a machine the clock moves while it spins; in a run it moves only when
// a timer fires, which it does not while that goroutine can go on, so the
// loop would spin to the step limit and be reported as a livelock. So
// reading the clock costs time once the goroutine is seen spinning on it:
// after SpinReads reads that saw the clock where it was, every
// SpinEvery-th read sleeps for SpinCost first (a microsecond a read: a slow
// machine, no faster one). The sleep is an ordinary one: goroutines that
// can run go first, timers due before its end fire. A goroutine that reads
// the clock a few hundred times in a burst, as most do, is not slowed.
const (
	SpinReads = 1000
	SpinEvery = 100
	SpinCost  = 100 * time.Microsecond
)

// clockSpin is what a goroutine's reads of the clock tell of its spinning.
type clockSpin struct {
	at    int64 // the clock at its latest read
	reads int   // its reads since the clock last moved, but for its spinning
}

// ReadClock is time.Now in a controlled goroutine: the run's virtual time,
// after a sleep of SpinCost when the goroutine spins on the clock.
func (r *Run) ReadClock(h *Handle) time.Time {
	now := r.Now(h)
	if h.dying {
		return now
	}
	c, s := int64(now.Sub(r.epoch)), &h.spin
	switch {
	case c-s.at < int64(time.Microsecond):
		// The clock stood still: reads add ReadCost each.
	case s.reads >= SpinReads && c > s.at && c-s.at <= int64(LateWake(SpinCost)+SpinCost):
		// It moved while the goroutine slept for its spinning, or waited
		// for its turn after: it spins on.
	default:
		s.reads = 0
	}
	s.at = c
	s.reads++
	if s.reads >= SpinReads && (s.reads-SpinReads)%SpinEvery == 0 {
		r.Sleep(h, SpinCost)
		now = r.Now(h)
		s.at = int64(now.Sub(r.epoch))
	}
	return now
}
