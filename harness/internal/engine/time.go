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
	// idx is the timer's place in the run's heap, -1 when it is not
	// there (stopped, fired, or parked with a full channel).
	idx    int
	parked bool // in Run.parked: active, but its channel is full
}

// The pending timers of a run are two heaps ordered by deadline, then
// creation (sleeps, and the others), so that finding the next one costs
// the same whatever the run has fired or stopped before: a timer leaves
// its heap the moment it fires for the last time or is stopped, and a
// sleep the moment the clock passes its end. A timer whose channel is full
// (a ticker nobody reads) cannot fire until its channel is read; it waits
// in Run.parked, which holds only such live timers.
type theap []*vtimer

func timerLess(a, b *vtimer) bool {
	return a.when < b.when || a.when == b.when && a.seq < b.seq
}

func (h *theap) push(t *vtimer) {
	t.idx = len(*h)
	*h = append(*h, t)
	h.up(t.idx)
}

// top returns the earliest timer, nil if none.
func (h theap) top() *vtimer {
	if len(h) == 0 {
		return nil
	}
	return h[0]
}

// remove takes t out of the heap, if it is there.
func (h *theap) remove(t *vtimer) {
	i := t.idx
	if i < 0 || i >= len(*h) || (*h)[i] != t {
		return
	}
	n := len(*h) - 1
	if i != n {
		h.swap(i, n)
	}
	(*h)[n] = nil
	*h = (*h)[:n]
	t.idx = -1
	if i != n {
		h.fix(i)
	}
}

// fix restores the heap after the deadline of the timer at i changed.
func (h theap) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h theap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}

func (h theap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !timerLess(h[j], h[i]) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

func (h theap) down(i0 int) bool {
	i, n := i0, len(h)
	for {
		j := 2*i + 1
		if j >= n {
			break
		}
		if j2 := j + 1; j2 < n && timerLess(h[j2], h[j]) {
			j = j2
		}
		if !timerLess(h[j], h[i]) {
			break
		}
		h.swap(i, j)
		i = j
	}
	return i > i0
}

// now returns the run's virtual time.
func (r *Run) vnow() time.Time { return r.epoch.Add(time.Duration(r.clock + r.readOff)) }

// addTimer registers an active timer.
func (r *Run) addTimer(t *vtimer) {
	r.timerSeq++
	t.seq, t.active = r.timerSeq, true
	// A timer is reset only once deactivated: it is in no heap.
	if t.kind == tSleep {
		r.sleeps.push(t)
	} else {
		r.timers.push(t)
	}
	if t.key != nil {
		r.timerOf[t.key] = t
	}
}

// deactivate stops t: it leaves the heap, or the parked timers.
func (r *Run) deactivate(t *vtimer) {
	t.active = false
	if t.kind == tSleep {
		r.sleeps.remove(t)
	} else {
		r.timers.remove(t)
	}
	t.parked = false // dropped from Run.parked when next looked at
}

// nextTimer returns the pending timer that fires first, nil if none. A
// sleep whose deadline has passed is not pending: its goroutine can go on.
// Nor is a timer whose channel still holds its last value: its tick would
// be dropped, and a ticker nobody reads would otherwise tick for ever.
func (r *Run) nextTimer() *vtimer {
	if len(r.parked) > 0 {
		r.unpark()
	}
	for len(r.timers) > 0 {
		t := r.timers[0]
		if t.ch == nil || len(t.ch) < cap(t.ch) {
			break
		}
		r.timers.remove(t)
		t.parked = true
		r.parked = append(r.parked, t)
	}
	// Sleeps whose end the clock has passed left their heap then.
	t, s := r.timers.top(), r.sleeps.top()
	if t == nil || s != nil && timerLess(s, t) {
		return s
	}
	return t
}

// passSleeps ends the sleeps whose end the clock has reached: their
// goroutines can go on.
func (r *Run) passSleeps() {
	for len(r.sleeps) > 0 && r.sleeps[0].when <= r.clock {
		t := r.sleeps[0]
		r.deactivate(t)
		r.markDirty(r.gs[t.g])
	}
}

// unpark puts back into the heap the parked timers whose channel has been
// read, and forgets those stopped since.
func (r *Run) unpark() {
	kept := r.parked[:0]
	for _, t := range r.parked {
		switch {
		case !t.parked || !t.active || t.idx >= 0:
			// Stopped or reset since it was parked.
		case len(t.ch) < cap(t.ch):
			t.parked = false
			r.timers.push(t)
		default:
			kept = append(kept, t)
		}
	}
	clear(r.parked[len(kept):])
	r.parked = kept
}

// fire advances the clock to t's deadline and fires it.
func (r *Run) fire(t *vtimer) {
	if t.when > r.clock {
		r.clock = t.when
	}
	r.movedAt = r.nsteps
	r.fires++
	switch t.kind {
	case tSleep:
		r.deactivate(t)
		r.gs[t.g].wokeFor = t.dur
		r.markDirty(r.gs[t.g])
	case tChan:
		select { // a full channel drops the tick, as the runtime does
		case t.ch <- r.vnow():
			r.wake(chanPtr(t.ch), t.dur)
		default:
		}
		if t.period > 0 {
			t.when += t.period * (1 + (r.clock-t.when)/t.period)
			if t.idx >= 0 {
				r.timers.fix(t.idx)
			}
		} else {
			r.deactivate(t)
		}
	case tFunc:
		r.deactivate(t)
		child, fresh := r.newG()
		child.wokeFor = t.dur
		r.created = child.id
		// Under the race detector this runs on the explorer's goroutine
		// with its synchronization hidden, which would hide the go
		// statement's own edge too: the new goroutine must see the memory
		// that was there before the run (package variables, f itself).
		raceEnable()
		r.startG(reply{child: int32(child.id), wake: child.wake, w: child.w, fresh: fresh, acquire: t.key}, t.f)
		raceDisable()
	}
	r.passSleeps()
}

// wake marks the goroutines waiting to receive from a timer's channel as
// let go on by the clock: under AutoLatency they may then be late.
func (r *Run) wake(ch unsafe.Pointer, dur int64) {
	o, ok := r.objs[ch]
	if !ok {
		return // nobody waits on it
	}
	for _, l := range &o.gw {
		for _, w := range l {
			for _, c := range w.g.op.cases {
				if c.Ch == ch && !c.Send {
					w.g.wokeFor = dur
				}
			}
		}
	}
	r.touch(o)
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
		t := &vtimer{key: op.obj, when: r.clock + max(op.n, 0), kind: op.tkind, dur: max(op.n, 0), idx: -1}
		if t.kind == tChan {
			t.ch = make(chan time.Time, 1)
			rep.ch = t.ch
			r.madeChan(chanPtr(t.ch))
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
		r.deactivate(t)
		if t.ch != nil {
			drain(t.ch)
			r.touchAt(chanPtr(t.ch))
		}
		if op.kind == KTimerReset {
			t.when, t.dur = r.clock+max(op.n, 0), max(op.n, 0)
			if t.period > 0 {
				t.period = op.n
			}
			r.addTimer(t)
		}
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
