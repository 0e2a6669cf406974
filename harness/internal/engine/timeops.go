package engine

import (
	"time"
	"unsafe"
)

// Now is time.Now in a controlled goroutine: the run's virtual time.
// Each read adds ReadCost to what reads see, as reading a machine's clock
// takes time: two reads are never equal, and code measured between them
// never took nothing (time.Since(start) > 0 after work, a duration
// counter that grows with every use). Timers keep to the clock itself, so
// a sleep of d seen through reads lasts at least d, and the values timers
// send, which include what the reads added, come no earlier than the
// reads before them.
func (r *Run) Now(h *Handle) time.Time {
	if !raceEnabled && !h.dying {
		return r.epoch.Add(time.Duration(r.readClock())) // the engine runs on the baton's holder
	}
	q := request{note: noteNow}
	if h.dying {
		q.n = 1 // a goroutine being torn down reads the clock without moving it
	}
	rep := r.submit(h, &q)
	return r.epoch.Add(time.Duration(rep.n))
}

// Peek is the time the latest read of the clock saw (Now), without a
// read of its own: what a deadline just computed from a read is measured
// against, so that WithTimeout(ctx, d) waits d, not d less a read.
func (r *Run) Peek(h *Handle) time.Time {
	if !raceEnabled && !h.dying {
		return r.vnow()
	}
	rep := r.submit(h, &request{note: notePeek})
	return r.epoch.Add(time.Duration(rep.n))
}

// ReadCost is how far a read of the clock moves it (Now).
const ReadCost = time.Nanosecond

// readClock adds ReadCost to what reads of the clock see, and returns
// what this one sees.
func (r *Run) readClock() int64 {
	r.readOff += int64(ReadCost)
	return r.clock + r.readOff
}

// Sleep is time.Sleep: the goroutine blocks until the virtual clock has
// advanced by d.
func (r *Run) Sleep(h *Handle, d time.Duration) {
	if d <= 0 {
		r.Yield(h)
		return
	}
	r.point(h, &request{kind: KSleep, n: int64(d)})
}

// NewTimer starts a virtual timer identified by key (its *time.Timer or
// *time.Ticker): after d it sends the time on the channel it returns, or,
// for an AfterFunc (f != nil), starts f in a new goroutine. A positive
// period makes it a ticker.
func (r *Run) NewTimer(h *Handle, key unsafe.Pointer, d, period time.Duration, f func()) chan time.Time {
	// As the runtime's timers do, order starting the timer before what it
	// does when it fires, for the race detector: the function it runs,
	// and a receive of its time (Select acquires it).
	q := request{kind: KTimerNew, obj: key, n: int64(d), period: int64(period), tkind: tChan}
	if f != nil {
		q.tkind, q.f = tFunc, f
	}
	raceReleaseMerge(key)
	return r.point(h, &q).ch
}

// StopTimer stops a virtual timer and reports whether it was active.
func (r *Run) StopTimer(h *Handle, key unsafe.Pointer) bool {
	return r.point(h, &request{kind: KTimerStop, obj: key}).ok
}

// ResetTimer restarts a virtual timer to fire after d (a ticker: every
// d) and reports whether it was active.
func (r *Run) ResetTimer(h *Handle, key unsafe.Pointer, d time.Duration) bool {
	raceReleaseMerge(key)
	return r.point(h, &request{kind: KTimerReset, obj: key, n: int64(d)}).ok
}

// Rand returns a number from the run's own random source, which the run's
// seed determines.
func (r *Run) Rand(h *Handle) uint64 {
	return uint64(r.submit(h, &request{note: noteRand}).n)
}

// Draw returns a number in [0, n), n > 0: for n up to DrawLimit, a
// decision of the run's strategy (rand.Intn(4) == 3 is explored like an
// interleaving), for larger n a number from the run's own source.
func (r *Run) Draw(h *Handle, n uint64) uint64 {
	if n <= 1 {
		return 0
	}
	if h.dying {
		return 0
	}
	if n <= DrawLimit && (r.trace || r.x.cov != nil) {
		h.pending = callers(h.pending[:0])
	}
	rep := r.submit(h, &request{note: noteDraw, n: int64(n)})
	if rep.kind == rAbort {
		h.abort()
	}
	if rep.ok {
		r.noteStep(h, rep.step, "")
	}
	return uint64(rep.n)
}
