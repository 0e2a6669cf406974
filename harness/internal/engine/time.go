package engine

import (
	"fmt"
	"time"
	"unsafe"
)

// Time in a run is virtual: the clock starts at the run's epoch and moves
// only when a timer fires. A timer firing is an alternative like any
// goroutine's step, offered for the earliest pending timer (timers fire in
// deadline order), so a strategy may fire it while goroutines could still
// run: that is how "the timeout fires before the release" is explored.
// When every goroutine is blocked it is the only alternative, and the
// clock jumps to its deadline.

// TimerG is the goroutine number of the clock in alternatives and
// decisions: a timer firing is not a goroutine's step.
const TimerG = -1

type timerKind uint8

const (
	tSleep timerKind = iota // wakes a sleeping goroutine
	tChan                   // sends the time on a channel (Timer, Ticker)
	tFunc                   // starts a function in a new goroutine (AfterFunc)
)

type vtimer struct {
	key    unsafe.Pointer // the *time.Timer or *time.Ticker, nil for sleeps
	kind   timerKind
	when   int64 // virtual nanoseconds since the epoch
	period int64 // tickers
	dur    int64 // how long it was set for (a ticker: its period)
	seq    int   // creation order, for timers with one deadline
	g      int   // tSleep: the sleeper
	ch     chan time.Time
	f      func()
	active bool
}

// now returns the run's virtual time.
func (r *Run) vnow() time.Time { return r.epoch.Add(time.Duration(r.clock)) }

// addTimer registers an active timer.
func (r *Run) addTimer(t *vtimer) {
	r.timerSeq++
	t.seq, t.active = r.timerSeq, true
	r.timers = append(r.timers, t)
	if t.key != nil {
		r.timerOf[t.key] = t
	}
}

// nextTimer returns the pending timer that fires first, nil if none. A
// sleep whose deadline has passed is not pending: its goroutine can go on.
// Nor is a timer whose channel still holds its last value: its tick would
// be dropped, and a ticker nobody reads would otherwise tick for ever.
func (r *Run) nextTimer() *vtimer {
	var best *vtimer
	for _, t := range r.timers {
		if !t.active || t.kind == tSleep && t.when <= r.clock || t.ch != nil && len(t.ch) == cap(t.ch) {
			continue
		}
		if best == nil || t.when < best.when || t.when == best.when && t.seq < best.seq {
			best = t
		}
	}
	return best
}

// dropTimers forgets timers that are no longer active.
func (r *Run) dropTimers() {
	kept := r.timers[:0]
	for _, t := range r.timers {
		if t.active {
			kept = append(kept, t)
		}
	}
	clear(r.timers[len(kept):])
	r.timers = kept
}

// fire advances the clock to t's deadline and fires it.
func (r *Run) fire(t *vtimer) {
	if t.when > r.clock {
		r.clock = t.when
	}
	switch t.kind {
	case tSleep:
		t.active = false
		r.gs[t.g].wokeFor = t.dur
	case tChan:
		select { // a full channel drops the tick, as the runtime does
		case t.ch <- r.vnow():
			r.wake(chanPtr(t.ch), t.dur)
		default:
		}
		if t.period > 0 {
			t.when += t.period * (1 + (r.clock-t.when)/t.period)
		} else {
			t.active = false
		}
	case tFunc:
		t.active = false
		child, fresh := r.newG()
		child.wokeFor = t.dur
		r.created = child.id
		// Under the race detector this runs on the explorer's goroutine
		// with its synchronization hidden, which would hide the go
		// statement's own edge too: the new goroutine must see the memory
		// that was there before the run (package variables, f itself).
		raceEnable()
		r.startG(reply{child: child.id, wake: child.wake, w: child.w, fresh: fresh, acquire: t.key}, t.f)
		raceDisable()
	}
	r.dropTimers()
}

// wake marks the goroutines waiting to receive from a timer's channel as
// let go on by the clock: under AutoLatency they may then be late.
func (r *Run) wake(ch unsafe.Pointer, dur int64) {
	for _, g := range r.live {
		if g.state != gParked {
			continue
		}
		switch g.op.kind {
		case KRecv, KSelect:
			for _, c := range g.op.cases {
				if c.Ch == ch && !c.Send {
					g.wokeFor = dur
				}
			}
		}
	}
}

// drain empties a timer's channel, so that after Stop or Reset no stale
// value is received (the semantics of Go 1.23 timers).
func drain(ch chan time.Time) {
	select {
	case <-ch:
	default:
	}
}

// applyTimerOp performs the timer operations of a goroutine's transition.
func (r *Run) applyTimerOp(g *G, rep *reply) {
	op := &g.op
	switch op.kind {
	case KSleep:
		// The sleep is over: the clock reached the deadline.
	case KTimerNew:
		t := &vtimer{key: op.obj, when: r.clock + max(op.n, 0), kind: op.tkind, dur: max(op.n, 0)}
		if t.kind == tChan {
			t.ch = make(chan time.Time, 1)
			rep.ch = t.ch
			r.made[chanPtr(t.ch)] = true
			r.timerChan[chanPtr(t.ch)] = op.obj
			if op.period > 0 {
				t.period = op.period
			}
		} else {
			t.f = op.f
		}
		r.addTimer(t)
	case KTimerStop, KTimerReset:
		t := r.timerOf[op.obj]
		if t == nil {
			return
		}
		rep.ok = t.active
		t.active = false
		if t.ch != nil {
			drain(t.ch)
		}
		if op.kind == KTimerReset {
			t.when, t.dur = r.clock+max(op.n, 0), max(op.n, 0)
			if t.period > 0 {
				t.period = op.n
			}
			r.addTimer(t)
		}
		r.dropTimers()
	}
}

// describeTimer names what a timer does, for traces.
func describeTimer(t *vtimer) string {
	switch t.kind {
	case tSleep:
		return fmt.Sprintf("g%d's sleep", t.g)
	case tFunc:
		return "AfterFunc"
	}
	if t.period > 0 {
		return "ticker"
	}
	return "timer"
}
