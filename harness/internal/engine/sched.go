package engine

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// G is the engine's record of a controlled goroutine.
type G struct {
	id    int
	wake  chan reply
	state gState
	op    pending
	// arrived is the step at which the goroutine reached its pending
	// operation; among goroutines waiting on one channel the earliest
	// arrival is served first, as in the runtime's wait queues.
	arrived   int
	readyAt   int64 // the clock when it could last go on (found enabled), -1 while it cannot
	announced bool  // RWMutex.Lock: waiting for readers to leave
	signaled  bool  // Cond.Wait: woken by Signal or Broadcast
	wokeFor   int64 // the duration of the timer whose firing let it go on, until it does
	h         *Handle
	w         *worker // the goroutine that runs it; nil under the race detector

	// Its place in the readiness of the run (ready.go).
	alts   []Alt     // what it can do, as of its last check
	cobjs  []*object // while registered at a channel operation: its cases' channels
	wobj   *object   // the model of op.obj, once looked up
	ipos   []int32   // while en: where its alternatives are in readiness.ind
	regs   []reg     // the objects its pending operation waits on
	dl     int64     // while en: readyAt + allowance, counted in readiness.dls
	dlz    bool      // while en: dl is readyAt (no allowance), counted in readiness.n0
	grp    *object   // the mutex in whose waiters it is (KLock), or nil
	joined int64     // the clock when it joined grp
	en     bool      // it can go on on its own: in readiness.enabled
	dirty  bool      // in readiness.dirty
	vol    bool      // in readiness.volatile
}

type gState uint8

const (
	gParked  gState = iota // stopped at a scheduling point
	gRunning               // holds the baton
	gDone                  // returned, panicked or exited
	gStuck                 // ran past the watchdog outside the harness's control
)

// pending is the operation a parked goroutine is about to perform.
type pending struct {
	kind       Kind
	obj        unsafe.Pointer
	aux        unsafe.Pointer
	auxKind    lockerKind
	n          int64
	cases      []CaseDesc
	hasDefault bool
	period     int64
	tkind      timerKind
	f          func()
}

// A CaseDesc describes one channel operation of a send, receive or select.
type CaseDesc struct {
	Ch   unsafe.Pointer // the runtime channel; nil for a nil channel
	Send bool
}

// copyCases copies the goroutine's case list into engine memory. It is not
// instrumented: under the race detector the list crosses from a controlled
// goroutine to the explorer without a happens-before edge, on purpose.
//
//go:norace
func copyCases(dst, src []CaseDesc) []CaseDesc {
	dst = dst[:0]
	for i := 0; i < len(src); i++ {
		dst = append(dst, src[i])
	}
	return dst
}

// newG registers a goroutine that will start at its first transition,
// with the worker that will run it. fresh reports that the worker's
// goroutine does not exist yet.
func (r *Run) newG() (g *G, fresh bool) {
	if n := len(r.x.gpool); n > 0 {
		g = r.x.gpool[n-1]
		r.x.gpool = r.x.gpool[:n-1]
	} else {
		g = &G{wake: make(chan reply, 1)}
	}
	g.w = nil
	if !raceEnabled {
		if n := len(r.x.idle); n > 0 {
			g.w = r.x.idle[n-1]
			r.x.idle = r.x.idle[:n-1]
		} else {
			g.w, fresh = &worker{jobs: make(chan job, 1)}, true
		}
		g.w.idle = false
	}
	g.id = len(r.gs)
	g.state = gParked
	g.op = pending{kind: KStart, cases: g.op.cases[:0]}
	g.arrived, g.readyAt = r.nsteps, -1
	g.announced, g.signaled, g.h = false, false, nil
	clear(g.regs)
	g.alts, g.regs, g.ipos, g.grp, g.wobj = g.alts[:0], g.regs[:0], g.ipos[:0], nil, nil
	g.en, g.dirty, g.vol = false, false, false
	r.gs = append(r.gs, g)
	r.live = append(r.live, g)
	r.markDirty(g)
	return g, fresh
}

// retire drops a goroutine that is done from the live ones, which stay in
// id order.
func (r *Run) retire(g *G) {
	i, _ := slices.BinarySearchFunc(r.live, g.id, func(x *G, id int) int { return x.id - id })
	if i < len(r.live) && r.live[i] == g {
		r.live = slices.Delete(r.live, i, i+1)
	}
}

// handle is the engine's entry point: goroutine id asks q. It returns the
// goroutine to wake next with its reply, or -1 when no goroutine is to run
// (the run has ended, or the caller exits and nobody can go on).
func (r *Run) handle(id int, h *Handle, q *request) (int, reply) {
	g := r.gs[id]
	g.h = h
	switch q.note {
	case noteExit:
		r.progress()
		g.state = gDone
		r.unregister(g)
		r.retire(g)
		if g.w != nil && exitKind(q.n) != exitGoexit {
			g.w.idle = true
		}
		if r.aborting {
			r.signal(event{kind: evExited, g: id})
			return -1, reply{}
		}
		if exitKind(q.n) == exitPanic {
			r.fail(&Failure{Kind: KindPanic, G: id, Step: r.nsteps})
		}
		if r.stopping {
			return r.end()
		}
		if id == 0 {
			r.bodyDone, r.bodyEnd = true, r.clock
		}
		return r.schedule()
	case noteError, noteFatal:
		r.fail(&Failure{Kind: KindAssertion, G: id, Step: r.nsteps})
		if q.note == noteFatal {
			r.stopping = true
		}
		return id, reply{step: r.nsteps}
	case noteInvariant:
		r.fail(&Failure{Kind: KindInvariant, G: id, Step: r.nsteps})
		r.stopping = true
		return id, reply{step: r.nsteps}
	case noteFailPanic:
		r.fail(&Failure{Kind: KindPanic, G: id, Step: r.nsteps})
		r.stopping = true
		return id, reply{step: r.nsteps}
	case noteMade:
		r.madeChan(q.obj)
		return id, reply{step: r.nsteps}
	case notePeek:
		return id, reply{step: r.nsteps, n: r.clock + r.readOff}
	case noteNow:
		if q.n != 0 { // the goroutine is being torn down
			return id, reply{step: r.nsteps, n: r.clock + r.readOff}
		}
		return id, reply{step: r.nsteps, n: r.readClock()}
	case noteRand:
		r.sampled++
		return id, reply{step: r.nsteps, n: int64(r.rnd.Uint64())}
	case noteDraw:
		return r.draw(g, uint64(q.n))
	case noteOnceDone:
		o := r.object(q.obj, objOnce)
		o.running = free
		r.touch(o)
		return id, reply{step: r.nsteps}
	}
	if raceEnabled {
		r.probeFor, r.probeFree = q.lock, q.lockFree
	}
	if len(g.regs) > 0 || g.en || g.grp != nil {
		r.unregister(g)
	}
	g.state = gParked
	g.wobj = nil
	g.op = pending{kind: q.kind, obj: q.obj, aux: q.aux, auxKind: q.auxKind, n: q.n,
		cases: copyCases(g.op.cases, q.cases), hasDefault: q.hasDefault, period: q.period, tkind: q.tkind, f: q.f}
	g.arrived, g.readyAt = r.nsteps, -1
	if q.kind == KSleep {
		// The goroutine sleeps until the clock reaches its deadline.
		g.op.n = r.clock + q.n
		r.addTimer(&vtimer{kind: tSleep, when: g.op.n, g: id, dur: q.n, idx: -1})
	}
	r.register(g)
	if r.aborting || r.stopping {
		return r.abortStep(g)
	}
	return r.schedule()
}

// DrawLimit is the largest n for which a draw below n (rand.Intn(n)) is a
// decision the strategy makes: exhaustive search enumerates its values,
// the others choose among them as among goroutines, a token records the
// choice and shrinking prefers 0. A larger draw (jitter of a backoff) is
// sampled from the run's source.
const DrawLimit = 16

// draw is goroutine g's draw of a number below n.
func (r *Run) draw(g *G, n uint64) (int, reply) {
	if n <= 1 {
		return g.id, reply{step: r.nsteps}
	}
	if n > DrawLimit || r.nsteps >= r.window || r.aborting || r.stopping {
		r.sampled++
		return g.id, reply{step: r.nsteps, n: int64(r.rnd.Uint64N(n))}
	}
	if r.overLimit() {
		r.stepLimit()
		g.state, g.op = gParked, pending{kind: KRand, n: int64(n), cases: g.op.cases[:0]}
		return r.end()
	}
	alts := r.alts[:0]
	for v := range int(n) {
		alts = append(alts, Alt{G: g.id, Case: v, Kind: KRand, N: int64(n), Partner: -1})
	}
	r.alts = alts
	if r.searching {
		r.pt.Blocked = r.pt.Blocked[:0]
	}
	r.pt = Point{Step: r.nsteps, Last: r.last, Alts: alts, Blocked: r.pt.Blocked}
	i := r.strategy.Choose(&r.pt)
	if i == Prune || i < 0 || i >= len(alts) {
		if i == Prune {
			r.pruned = true
		} else {
			r.diverged(alts)
		}
		// The goroutine waits where it drew until the run's end aborts it.
		g.state, g.op = gParked, pending{kind: KRand, n: int64(n), cases: g.op.cases[:0]}
		return r.end()
	}
	r.decisions = append(r.decisions, Decision{G: g.id, Case: i})
	if r.flight != nil {
		r.flight.Decision(len(r.decisions)-1, g.id, i)
	}
	r.nsteps++
	r.steps.Store(int64(r.nsteps))
	if r.trace && !r.aborting && !r.stopping {
		r.addRow(row{step: r.nsteps, g: g.id, kind: KRand, partner: -1, clock: r.clock, n: int64(n), drawn: i})
	}
	r.created = -1
	r.observe(alts, i)
	return g.id, reply{step: r.nsteps, n: int64(i), ok: true} // ok: a decision, a step of g
}

// schedule makes one transition: it collects the alternatives, asks the
// strategy for one if there is a choice, and applies it. A strategy that
// chooses by the number of alternatives alone (Counting) is told only
// that number, and the list is not built.
func (r *Run) schedule() (int, reply) {
	if r.overLimit() {
		if t := r.nextTimer(); t != nil && t.period == 0 && r.nsteps-r.progressAt >= r.maxSteps && r.nsteps < ProgressCap*r.maxSteps && !r.pastGrace(t) {
			// A million steps without progress, waiting for a timer that
			// the steps have not yet taken the clock to (a stress loop
			// that runs for a second): time passes, which is what the
			// loop waits for; if it goes on regardless, the next limit
			// ends it. Not for a ticker: one is always pending (a pool's
			// purger), and a livelock beside it would go on to twenty
			// times the limit.
			r.progress()
			r.passTime(t)
			return r.schedule()
		}
		r.stepLimit()
		return r.end()
	}
	if r.nsteps >= r.nextLook && !r.until.IsZero() {
		r.nextLook = r.nsteps + CutEvery
		if time.Now().After(r.until) {
			r.cut = true
			return r.end()
		}
	}
	if r.nsteps-r.movedAt >= StallSteps && r.nsteps >= r.stallLook && len(r.live) > 0 {
		// Looked at every StallEvery steps, not at each: the step path
		// stays what it was in a long run without timers.
		r.stallLook = r.nsteps + StallEvery
		if t := r.nextTimer(); t != nil && t.when-r.clock <= int64(r.nsteps-r.movedAt)*int64(StepCost) && !r.pastGrace(t) {
			r.passTime(t)
			return r.schedule()
		}
	}
	n := r.ready()
	listed := r.searching || r.counter == nil || r.trace
	if listed && !r.searching && n > 0 {
		r.materialize()
	}
	var a Alt
	chosen := 0
	switch n {
	case 0:
		if !r.waitOutside() && !r.finalized() {
			r.noAlternatives()
			return r.end()
		}
		return r.schedule()
	case 1:
		if listed {
			a = r.alts[0]
		} else {
			a = r.altAt(0)
		}
	default:
		if r.nsteps >= r.window {
			if listed {
				a = r.alts[r.fairChoice(r.alts)]
			} else {
				a = r.fairAlt()
			}
			r.unchosen++
			break
		}
		var i int
		if listed {
			r.pt = Point{Step: r.nsteps, Last: r.last, Alts: r.alts}
			i = r.strategy.Choose(&r.pt)
		} else {
			i = r.counter.ChooseOf(n)
		}
		if i == Prune {
			r.pruned = true
			return r.end()
		}
		if i < 0 || i >= n {
			r.diverged(r.alts[:min(len(r.alts), n)])
			return r.end()
		}
		if listed {
			a = r.alts[i]
		} else {
			a = r.altAt(i)
		}
		chosen = i
		r.decisions = append(r.decisions, Decision{G: a.G, Case: a.Case})
		if r.flight != nil {
			r.flight.Decision(len(r.decisions)-1, a.G, a.Case)
		}
		if a.G != r.last && r.couldGoOn(r.last, listed) {
			r.preempt = true
			r.preempted = append(r.preempted, len(r.decisions)-1)
		}
	}
	r.created = -1
	if a.G == r.last {
		r.runLen++
	} else {
		r.runLen = 0
	}
	explored := r.nsteps < r.window && listed
	if a.G == TimerG {
		r.fireAlt(a)
		if explored {
			r.observe(r.alts, chosen)
		}
		return r.schedule()
	}
	yield := a.Kind == KYield
	rep, fatal := r.apply(a)
	if yield {
		r.runLen = fairQuantum // a yield hands over at once
	}
	if explored {
		r.observe(r.alts, chosen)
	}
	if fatal {
		return r.end()
	}
	return a.G, rep
}

// fairQuantum is how many transitions in a row a goroutine makes, past
// the explored window, before the next one's turn.
const fairQuantum = 64

// fairChoice is the scheduler past the explored window: the goroutine that
// ran last goes on for up to fairQuantum transitions, then the next one in
// id order takes its turn, and the clock moves only when no goroutine can.
// It depends on the run's state alone, so a replay makes the same choices
// without their being recorded.
func (r *Run) fairChoice(alts []Alt) int {
	if r.runLen < fairQuantum {
		for i, a := range alts {
			if a.G == r.last {
				return i
			}
		}
	}
	best, timer := -1, -1
	dist := func(g int) int { // how far g comes after last, cyclically
		if d := g - r.last; d > 0 {
			return d
		}
		return g - r.last + len(r.gs) + 1
	}
	for i, a := range alts {
		switch {
		case a.G == TimerG:
			timer = i
		case best < 0 || dist(a.G) < dist(alts[best].G):
			best = i
		}
	}
	if best < 0 {
		return timer
	}
	return best
}

// fairAlt is fairChoice over the alternatives that ready counted, without
// listing them.
func (r *Run) fairAlt() Alt {
	if r.runLen < fairQuantum && r.last >= 0 && r.couldGoOn(r.last, false) {
		return r.firstAlt(r.gs[r.last])
	}
	// The next goroutine after last in id order, cyclically.
	if g := r.nextGo(r.last + 1); g != nil {
		return r.firstAlt(g)
	}
	if g := r.nextGo(0); g != nil {
		return r.firstAlt(g)
	}
	return r.timerAlt()
}

// nextGo returns the goroutine that can go on with the smallest number
// not below id, nil if none.
func (r *Run) nextGo(id int) *G {
	var best *G
	if i := r.rd.enabled.next(max(id, 0)); i >= 0 {
		best = r.gs[i]
	}
	for _, o := range r.rd.groups {
		j := lwSearch(o.lwID, id)
		if j < len(o.lw) && (best == nil || o.lw[j].id < best.id) {
			best = o.lw[j]
		}
	}
	return best
}

// firstAlt is the first alternative of g, which can go on.
func (r *Run) firstAlt(g *G) Alt {
	if g.grp != nil {
		return r.lockAlt(g)
	}
	return g.alts[0]
}

// observe tells an Observer strategy about the transition just made.
func (r *Run) observe(alts []Alt, chosen int) {
	if r.observer == nil {
		return
	}
	r.pt.Step, r.pt.Last, r.pt.Alts = r.nsteps-1, r.obsLast, alts
	r.observer.Taken(&r.pt, chosen, r.created)
	r.obsLast = alts[chosen].G
}

// Goroutines that go on and on while the clock stands still take time on
// a machine: a loop that polls a flag set by time.AfterFunc, a select with
// a default case waiting for a timer's channel, spins until the timer
// fires there, but in a run the clock moves only when a timer fires, which
// it does not while a goroutine can go on (within the latency), and the
// loop would spin to the step limit and be reported as a livelock. So once
// StallSteps steps have gone by since a timer last fired, the steps count
// as StepCost of time each (a slow machine, no faster one): the next timer
// fires, and the clock moves, as soon as the steps since have taken it
// there. A run that goes through timers in fewer steps is not affected.
const (
	StallSteps = 1000
	StepCost   = time.Microsecond
	StallEvery = 64 // steps between two looks for a timer the steps have reached
)

// passTime fires timer t because the steps made since the clock last
// moved have taken it that far (StallSteps): a transition of the clock
// that no strategy chose, as the goroutines' steps made it happen.
func (r *Run) passTime(t *vtimer) {
	r.nextT = t
	a := r.timerAlt()
	r.nsteps++
	r.steps.Store(int64(r.nsteps))
	r.fire(t)
	r.passedTo = r.clock
	if r.trace {
		r.addRow(row{step: r.nsteps, g: TimerG, kind: KTimer, obj: t.key, timer: *t, clock: r.clock, preempt: r.preempt, partner: -1})
	}
	r.preempt = false
	r.last = TimerG
	r.runLen = 0
	if r.nsteps <= r.window && (r.searching || r.counter == nil || r.trace) {
		r.alts = append(r.alts[:0], a)
		r.observe(r.alts, 0)
	}
}

// fireAlt fires the timer of alternative a: a transition of the clock.
func (r *Run) fireAlt(a Alt) {
	t := r.nextT
	r.nsteps++
	r.steps.Store(int64(r.nsteps))
	if r.trace {
		// Which goroutine that could go on waited longest while the
		// clock moved: what the schedule assumes of the scheduler.
		for _, b := range r.alts {
			if b.G < 0 {
				continue
			}
			// Time that steps passed (passTime) the goroutine spent
			// going on, not waiting.
			since := max(r.gs[b.G].readyAt, r.passedTo)
			if w := t.when - since; w > r.hold.wait {
				r.hold = hold{g: b.G, wait: w, since: since, step: r.nsteps, late: r.gs[b.G].wokeFor, timer: *t}
			}
		}
	}
	r.fire(t)
	if r.trace {
		r.addRow(row{step: r.nsteps, g: TimerG, kind: KTimer, obj: t.key, timer: *t, clock: r.clock, preempt: r.preempt, partner: -1})
	}
	r.preempt = false
	r.last = TimerG
}

// abortStep serves a goroutine that runs its deferred calls after the run
// has failed: what it can do alone proceeds, anything else exits it again.
func (r *Run) abortStep(g *G) (int, reply) {
	r.alts = r.altsOf(r.alts[:0], g, false)
	if len(r.alts) == 0 || r.abortSteps >= r.maxSteps {
		return g.id, reply{kind: rAbort}
	}
	r.abortSteps++
	rep, fatal := r.apply(r.alts[0])
	if fatal {
		return g.id, reply{kind: rAbort}
	}
	return g.id, rep
}

// allowance is how long g, able to go on, may wait for its turn while the
// clock moves (see Config.Latency).
func (r *Run) allowance(g *G) int64 {
	if r.latency >= 0 {
		return r.latency
	}
	if g.wokeFor > 0 {
		return int64(LateWake(time.Duration(g.wokeFor)))
	}
	return 0
}

// ready brings the goroutines that can go on up to date, checking only
// those that something may have changed for (ready.go), decides whether
// the clock can move, and returns how many alternatives there are.
func (r *Run) ready() int {
	rd := r.rd
	full := r.nsteps >= rd.nextFull
	if full {
		rd.nextFull = r.nsteps + fullCheckEvery
	}
	r.refresh(full && !r.searching)
	if r.searching {
		r.collectAll()
		return len(r.alts)
	}
	if rd.enabled.n == 0 && rd.ngrp == 0 && rd.chanWaiters > 0 && !full {
		// Before the clock moves or the run ends: code outside the
		// harness's view may have changed a channel.
		r.refresh(true)
	}
	r.timerOn = false
	if len(r.live) > 0 {
		// A timer fires ahead of a goroutine that can run only within
		// its allowance of when that goroutine became ready: a goroutine
		// waits for its turn, but not for an hour.
		if t := r.nextTimer(); t != nil && !r.pastGrace(t) {
			ready := r.readyBy()
			if t.when <= r.clock || ready == math.MaxInt64 || t.when < ready {
				r.nextT, r.timerOn = t, true
			} else if r.nsteps < r.window {
				r.held++ // the timer could fire here, were a ready goroutine held back longer
			}
		}
	}
	if checkReadiness {
		r.crossCheck()
	}
	n := len(rd.ind) + rd.ngrp
	if r.timerOn {
		n++
	}
	return n
}

// collect returns the alternatives, ordered by goroutine and case, the
// clock's last.
func (r *Run) collect() []Alt {
	if r.ready() > 0 && !r.searching {
		r.materialize()
	} else if !r.searching {
		r.alts = r.alts[:0]
	}
	return r.alts
}

// materialize lists the alternatives that ready counted, in order.
func (r *Run) materialize() {
	rd := r.rd
	alts := r.alts[:0]
	if len(rd.groups) == 0 {
		for id := rd.enabled.next(0); id >= 0; id = rd.enabled.next(id + 1) {
			alts = append(alts, r.gs[id].alts...)
		}
		if r.timerOn {
			alts = append(alts, r.timerAlt())
		}
		r.alts = alts
		return
	}
	cur := rd.gcur[:0]
	for range rd.groups {
		cur = append(cur, 0)
	}
	rd.gcur = cur
	id := rd.enabled.next(0)
	for {
		best, bestID := -1, math.MaxInt
		if id >= 0 {
			bestID = id
		}
		for gi, o := range rd.groups {
			if c := cur[gi]; c < len(o.lwID) && int(o.lwID[c]) < bestID {
				best, bestID = gi, int(o.lwID[c])
			}
		}
		if bestID == math.MaxInt {
			break
		}
		if best < 0 {
			alts = append(alts, r.gs[id].alts...)
			id = rd.enabled.next(id + 1)
			continue
		}
		o := rd.groups[best]
		if r.trace {
			// What fireAlt's account of waits reads.
			g := o.lw[cur[best]]
			g.readyAt = max(o.gsince, g.joined)
		}
		cur[best]++
		alts = append(alts, r.groupAlt(bestID, o))
	}
	if r.timerOn {
		alts = append(alts, r.timerAlt())
	}
	r.alts = alts
}

// altAt returns the alternative numbered i in the order of counting (not
// the order of materialize): goroutines on their own, then the waiters of
// free mutexes, then the clock.
func (r *Run) altAt(i int) Alt {
	rd := r.rd
	if i < len(rd.ind) {
		return rd.ind[i].alt
	}
	i -= len(rd.ind)
	if i < rd.ngrp {
		for _, o := range rd.groups {
			if i < len(o.lw) {
				return r.groupAlt(int(o.lwID[i]), o)
			}
			i -= len(o.lw)
		}
	}
	return r.timerAlt()
}

// couldGoOn reports whether goroutine id (TimerG: the clock) is among the
// alternatives of the step.
func (r *Run) couldGoOn(id int, listed bool) bool {
	if listed {
		for _, b := range r.alts {
			if b.G == id {
				return true
			}
		}
		return false
	}
	if id == TimerG {
		return r.timerOn
	}
	if id < 0 || id >= len(r.gs) {
		return false
	}
	g := r.gs[id]
	return g.en || g.grp != nil && g.grp.gon
}

func (r *Run) timerAlt() Alt {
	return Alt{G: TimerG, Case: -1, Kind: KTimer, Obj: uintptr(unsafe.Pointer(r.nextT)), Partner: -1}
}

// groupAlt is the alternative of goroutine id, waiting to lock mutex o,
// which is free.
func (r *Run) groupAlt(id int, o *object) Alt {
	return Alt{G: id, Case: -1, Kind: KLock, Obj: r.oid(o.ptr), Partner: -1}
}

// lockAlt is the alternative of a goroutine waiting to lock a free mutex.
func (r *Run) lockAlt(g *G) Alt {
	return Alt{G: g.id, Case: -1, Kind: KLock, Obj: r.oid(g.op.obj), Obj2: r.oid(g.op.aux), N: g.op.n, Partner: -1}
}

// collectAll is collect as exhaustive search needs it: every parked
// goroutine looked at in order, the blocked ones listed, and objects named
// in order of first sight.
func (r *Run) collectAll() {
	alts := r.alts[:0]
	live, ready := false, int64(math.MaxInt64)
	r.pt.Blocked = r.pt.Blocked[:0]
	for _, g := range r.live {
		if g.state == gParked {
			n := len(alts)
			alts = r.altsOf(alts, g, true)
			if len(alts) == n {
				r.pt.Blocked = r.blockedOf(r.pt.Blocked, g)
			}
			if len(alts) > n {
				if g.readyAt < 0 {
					g.readyAt = r.clock
				}
				ready = min(ready, g.readyAt+r.allowance(g))
			} else {
				g.readyAt = -1
			}
		}
		live = live || g.state != gDone
	}
	r.timerOn = false
	if live {
		if t := r.nextTimer(); t != nil && !r.pastGrace(t) {
			if t.when <= r.clock || ready == math.MaxInt64 || t.when < ready {
				r.nextT, r.timerOn = t, true
				alts = append(alts, r.timerAlt())
			} else if r.nsteps < r.window {
				r.held++
			}
		}
	}
	r.alts = alts
}

// altsOf appends what g can do now. Rendezvous with parked partners count
// only when partners is set.
func (r *Run) altsOf(alts []Alt, g *G, partners bool) []Alt {
	op := &g.op
	one := Alt{G: g.id, Case: -1, Kind: op.kind, Obj: r.oid(op.obj), Obj2: r.oid(op.aux), N: op.n, Partner: -1}
	switch op.kind {
	case KLock:
		if !r.mutexFree(r.objectOf(g)) {
			return alts
		}
	case KRLock:
		if !r.canRead(r.objectOf(g)) {
			return alts
		}
	case KWLock:
		o := r.objectOf(g)
		if g.announced && o.readers > 0 || !g.announced && !r.canRead(o) {
			return alts
		}
	case KWGWait:
		if r.objectOf(g).count != 0 {
			return alts
		}
	case KCondRelock:
		if !g.signaled || !r.lockerAvailable(op.aux, op.auxKind) {
			return alts
		}
	case KOnce:
		if r.objectOf(g).running != free {
			return alts
		}
	case KSleep:
		if r.clock < op.n {
			return alts
		}
	case KSend, KRecv, KSelect:
		n := len(alts)
		objs := g.cobjs
		if len(objs) != len(op.cases) {
			objs = nil // not registered: looked up
		}
		for i, c := range op.cases {
			var o *object
			if objs != nil {
				o = objs[i]
			}
			if ok, partner := r.caseReady(g, c, o, partners); ok {
				alts = append(alts, Alt{G: g.id, Case: i, Kind: caseKind(c), Obj: r.oid(c.Ch), Partner: partner})
			}
		}
		if len(alts) == n && op.hasDefault {
			alts = append(alts, Alt{G: g.id, Case: -1, Kind: KSelect, Partner: -1})
		}
		return alts
	}
	return append(alts, one)
}

// caseReady reports whether channel operation c of goroutine g can
// proceed now, and the goroutine it needs as a partner (-1 if none). o is
// the channel's model if the caller has it.
func (r *Run) caseReady(g *G, c CaseDesc, o *object, partners bool) (bool, int) {
	if c.Ch == nil {
		return false, -1
	}
	if o == nil {
		o = r.objs[c.Ch]
	}
	if o == nil || o.foreign {
		r.volSeen = true // code outside the run may use it
	}
	s := peekChan(c.Ch)
	if s.outsideRecv || s.outsideSend {
		r.volSeen = true // a goroutine outside the harness waits on it
	}
	if s.ready(c.Send) {
		return true, -1
	}
	if !partners {
		return false, -1
	}
	if p, _ := r.partner(g, c, o); p != nil {
		return true, p.id
	}
	return false, -1
}

// partner finds the goroutine that completes an unbuffered channel
// operation with g: a parked goroutine waiting on the other side of the
// same channel in a receive, send or select without default, earliest
// arrival first. It returns the partner and its case.
func (r *Run) partner(g *G, c CaseDesc, o *object) (*G, int) {
	if o == nil {
		return nil, -1
	}
	list := o.gw[regSend]
	if c.Send {
		list = o.gw[regRecv]
	}
	var best *G
	bestCase := -1
	for _, w := range list {
		p := w.g
		if p == g {
			continue
		}
		if best == nil || p.arrived < best.arrived || p.arrived == best.arrived && p.id < best.id {
			best, bestCase = p, int(w.cas)
		}
	}
	return best, bestCase
}

func caseKind(c CaseDesc) Kind {
	if c.Send {
		return KSend
	}
	return KRecv
}

// oid is how alternatives name an object. For a strategy that compares
// alternatives across runs (a Searcher), it is the object's number in
// order of first sight, the same in every run that follows the same
// decisions, since objects are made afresh each run; otherwise it is the
// object's address, which costs nothing.
func (r *Run) oid(p unsafe.Pointer) uintptr {
	if p == nil {
		return 0
	}
	if !r.searching {
		return uintptr(p)
	}
	id, ok := r.oids[p]
	if !ok {
		id = uintptr(len(r.oids) + 1)
		r.oids[p] = id
	}
	return id
}

// blockedOf appends the pending operations of a goroutine that cannot go
// on, for an Observer.
func (r *Run) blockedOf(out []Alt, g *G) []Alt {
	switch g.op.kind {
	case KSend, KRecv, KSelect:
		for i, c := range g.op.cases {
			out = append(out, Alt{G: g.id, Case: i, Kind: caseKind(c), Obj: r.oid(c.Ch), Partner: -1})
		}
		return out
	}
	return append(out, Alt{G: g.id, Case: -1, Kind: g.op.kind, Obj: r.oid(g.op.obj), Obj2: r.oid(g.op.aux), N: g.op.n, Partner: -1})
}

// alone reports whether c completes without a controlled partner: the
// buffer has room or data, the channel is closed (a send then panics, as
// it should), or a goroutine outside the harness waits on the other side.
func alone(c CaseDesc) bool { return peekChan(c.Ch).ready(c.Send) }

// ready reports whether a send (or a receive) on a channel in state s
// completes without a controlled partner.
func (s chanState) ready(send bool) bool {
	if s.closed {
		return true
	}
	if send {
		return s.count < s.capacity || s.outsideRecv
	}
	return s.count > 0 || s.outsideSend
}

// apply performs alternative a on the model and returns the reply that
// lets its goroutine perform the real operation. fatal reports that the
// operation is a fatal error of the Go runtime (such as unlocking an
// unlocked mutex); the run has then failed.
func (r *Run) apply(a Alt) (rep reply, fatal bool) {
	g := r.gs[a.G]
	op := &g.op
	var obj *object // the model of op.obj
	if op.obj != nil && (r.trace || objKindOf(op.kind) < objTimer) {
		// Timers and atomics have no model: their object is made only
		// for a trace, which names it by kind.
		obj = r.objectOf(g)
	}
	r.unregister(g)
	r.nsteps++
	r.steps.Store(int64(r.nsteps))
	rep = reply{kind: rProceed, cas: int32(a.Case), step: r.nsteps}
	partner := -1
	failMsg := ""
	switch op.kind {
	case KGo:
		child, fresh := r.newG()
		rep.child, rep.wake, rep.w, rep.fresh = int32(child.id), child.wake, child.w, fresh
		r.created = child.id
	case KLock:
		obj.holder = g.id
	case KUnlock:
		o := obj
		if o.holder == free {
			failMsg = "fatal error: sync: unlock of unlocked mutex"
		}
		o.holder = free
	case KTryLock:
		if o := obj; r.mutexFree(o) {
			o.holder, rep.ok = g.id, true
		}
	case KRLock:
		obj.readers++
	case KRUnlock:
		o := obj
		if o.readers == 0 {
			failMsg = "fatal error: sync: RUnlock of unlocked RWMutex"
		} else {
			o.readers--
		}
	case KTryRLock:
		if o := obj; r.canRead(o) {
			o.readers++
			rep.ok = true
		}
	case KWLock:
		o := obj
		if o.readers == 0 {
			o.writer, o.announced, g.announced, rep.ok = g.id, free, false, true
		} else {
			o.announced, g.announced = g.id, true
		}
	case KWUnlock:
		o := obj
		if o.writer == free {
			failMsg = "fatal error: sync: Unlock of unlocked RWMutex"
		}
		o.writer = free
	case KTryWLock:
		if o := obj; r.canRead(o) && o.readers == 0 {
			o.writer, rep.ok = g.id, true
		}
	case KWGAdd:
		obj.count += op.n
		if op.n < 0 {
			r.progress() // work done: a Done
		}
	case KClose:
		r.progress()
	case KCondWait:
		o := obj
		o.waiters = append(o.waiters, g.id)
		g.signaled = false
		failMsg = r.releaseLocker(op.aux, op.auxKind)
	case KCondRelock:
		r.takeLocker(g.id, op.aux, op.auxKind)
	case KCondSignal, KCondBroadcast:
		o := obj
		n := len(o.waiters)
		if op.kind == KCondSignal && n > 1 {
			n = 1
		}
		for _, w := range o.waiters[:n] {
			r.gs[w].signaled = true
			r.markDirty(r.gs[w])
		}
		o.waiters = append(o.waiters[:0], o.waiters[n:]...)
	case KOnce:
		obj.running = g.id
	case KSleep, KTimerNew, KTimerStop, KTimerReset:
		r.applyTimerOp(g, &rep)
	case KSend, KRecv, KSelect:
		if a.Case >= 0 {
			c := op.cases[a.Case]
			r.touch(r.object(c.Ch, objChan))
			if key, ok := r.timerChan[c.Ch]; ok && !c.Send {
				rep.acquire = key // the timer's start happens before its time is received
			}
			if !alone(c) {
				p, pc := r.partner(g, c, r.objs[c.Ch])
				partner = p.id
				r.unregister(p)
				p.state = gParked
				p.op = pending{kind: KResume, cases: p.op.cases[:0]}
				p.arrived, p.readyAt = r.nsteps, -1
				r.register(p)
				p.wake <- reply{kind: rRendezvous, cas: int32(pc), step: r.nsteps}
			}
		}
	}
	if op.obj != nil {
		r.touch(obj)
	}
	if op.aux != nil && (op.kind == KCondWait || op.kind == KCondRelock) {
		r.touch(r.lockerObject(op.aux, op.auxKind))
	}
	if r.trace && !r.aborting && !r.stopping {
		r.addRow(row{step: r.nsteps, g: g.id, kind: a.Kind, obj: objOf(a, op), partner: partner,
			child: int(rep.child), ok: rep.ok, preempt: r.preempt, clock: r.clock, n: op.n,
			sel: op.kind == KSelect, cas: a.Case})
	}
	r.preempt = false
	g.state = gRunning
	g.wokeFor = 0
	r.last = g.id
	r.curID.Store(int64(g.id))
	if failMsg != "" {
		if !r.aborting && !r.stopping {
			r.fail(&Failure{Kind: KindPanic, Message: failMsg, G: g.id, Step: r.nsteps, fatal: true})
		}
		g.state = gParked
		return rep, true
	}
	return rep, false
}

// objOf returns the object alternative a works on.
func objOf(a Alt, op *pending) unsafe.Pointer {
	if a.Case >= 0 && a.Case < len(op.cases) {
		return op.cases[a.Case].Ch
	}
	return op.obj
}

// fail records the run's failure; the first one stands.
func (r *Run) fail(f *Failure) {
	if r.failure == nil {
		r.failure = f
	}
}

// end finishes the run: nobody runs any more and the explorer takes over.
func (r *Run) end() (int, reply) {
	r.finished = true
	r.snapshotBlocked()
	r.signal(event{kind: evEnded})
	return -1, reply{}
}

// snapshotBlocked remembers what each live goroutine waits for, and the
// state of the object it waits on, for the report.
func (r *Run) snapshotBlocked() {
	r.blocked = r.blocked[:0]
	for _, g := range r.gs {
		if g.state != gParked && g.state != gRunning {
			continue
		}
		b := blockedG{g: g.id, op: g.op, announced: g.announced, signaled: g.signaled}
		b.op.cases = slices.Clone(g.op.cases)
		b.enabled = g.state == gParked && len(r.altsOf(nil, g, true)) > 0
		if o, ok := r.objs[g.op.obj]; ok {
			b.obj = *o
			b.obj.waiters = nil
		}
		r.blocked = append(r.blocked, b)
	}
}

// waitOutside handles a run in which every goroutine is blocked while some
// wait on objects that code outside the exploration may change: a channel
// the run did not make, a lock held outside. It polls for up to the
// watchdog duration and reports whether a goroutine can go on.
func (r *Run) waitOutside() bool {
	foreign := false
	for _, g := range r.gs {
		if g.state == gParked && r.waitsOutside(g) {
			foreign = true
			break
		}
	}
	if !foreign {
		return false
	}
	deadline := time.Now().Add(r.x.cfg.Watchdog)
	for pause := 50 * time.Microsecond; time.Now().Before(deadline); pause = min(2*pause, 5*time.Millisecond) {
		time.Sleep(pause)
		r.heartbeat.Add(1)
		r.rd.nextFull = r.nsteps // check every goroutine: outside code may have moved
		if len(r.collect()) > 0 {
			return true
		}
	}
	r.outsideWait = true
	return false
}

// waitsOutside reports whether g waits on something outside the run.
func (r *Run) waitsOutside(g *G) bool {
	switch g.op.kind {
	case KLock:
		return r.object(g.op.obj, objMutex).holder == outside
	case KRLock, KWLock:
		return r.object(g.op.obj, objRWMutex).writer == outside
	case KSend, KRecv, KSelect:
		for _, c := range g.op.cases {
			if o := r.objs[c.Ch]; c.Ch != nil && (o == nil || o.foreign) {
				return true
			}
		}
	}
	return false
}

func (r *Run) noAlternatives() {
	live := 0
	for _, g := range r.gs {
		if g.state != gDone {
			live++
		}
	}
	switch {
	case live == 0:
		return // the run completed
	case r.bodyDone:
		r.fail(&Failure{Kind: KindLeak, Step: r.nsteps, G: -1, msgf: func() string {
			return fmt.Sprintf("%s still blocked after the test body returned", plural(live, "goroutine")) + r.graceNote()
		}})
	default:
		outsideWait, wd := r.outsideWait, r.x.cfg.Watchdog
		r.fail(&Failure{Kind: KindDeadlock, Step: r.nsteps, G: -1, msgf: func() string {
			msg := "all goroutines are blocked"
			if outsideWait {
				msg += fmt.Sprintf(" (some on channels or locks outside the exploration, for %v)", wd)
			}
			return msg
		}})
	}
}

// ProgressCap is how many times MaxSteps a run that makes progress may
// take in all.
const ProgressCap = 20

// overLimit reports whether the run has gone on too long: MaxSteps steps
// since it last made progress (a goroutine ended, a WaitGroup counted a
// Done, a channel was closed), or ProgressCap times MaxSteps in all. A
// long test (a stress loop of many tasks) makes progress all along; a
// livelock (goroutines retrying, polling, spinning) makes none.
func (r *Run) overLimit() bool {
	if r.nsteps < r.maxSteps {
		return false
	}
	return r.nsteps-r.progressAt >= r.maxSteps || r.nsteps >= ProgressCap*r.maxSteps
}

// progress records that the run made progress (a goroutine ended, a
// WaitGroup counted a Done, a channel was closed) at this step.
func (r *Run) progress() { r.progressAt, r.firesAtProgress = r.nsteps, r.fires }

// TickSteps is how many steps a timer firing may come with, on average,
// in a stretch without progress for the run to count as stuck beside
// goroutines that timers wake (a pool's purger and ticker), rather than
// as a livelock: its other goroutines are blocked for ever.
const TickSteps = 100

func (r *Run) stepLimit() {
	n, w, stalled := r.maxSteps, r.window, r.nsteps-r.progressAt >= r.maxSteps
	if fires := r.fires - r.firesAtProgress; stalled && !r.bodyDone && fires > 0 && (r.nsteps-r.progressAt)/fires <= TickSteps {
		steps := r.nsteps - r.progressAt
		r.fail(&Failure{Kind: KindDeadlock, Step: r.nsteps, G: -1, msgf: func() string {
			return fmt.Sprintf("all goroutines are blocked but those that timers wake: %d steps without progress, a timer firing every %d of them (goroutines blocked for ever beside a ticker's)", steps, steps/fires)
		}})
		return
	}
	why := func() string {
		if stalled {
			return fmt.Sprintf("%d steps without progress (no goroutine ended, no WaitGroup.Done, no channel closed)", n)
		}
		return fmt.Sprintf("%d steps in all (%d times the step limit)", ProgressCap*n, ProgressCap)
	}
	if r.bodyDone {
		r.fail(&Failure{Kind: KindLeak, Step: r.nsteps, G: -1, msgf: func() string {
			return fmt.Sprintf("goroutines still running after the test body returned (%s)", why())
		}})
		return
	}
	r.fail(&Failure{Kind: KindStepLimit, Step: r.nsteps, G: -1, msgf: func() string {
		return fmt.Sprintf("run went on for %s, the steps past the first %d under a fair scheduler (a livelock, or a test too long to explore: raise MaxSteps)", why(), w)
	}})
}

func (r *Run) diverged(alts []Alt) {
	step, enabled, s := r.nsteps+1, slices.Clone(alts), r.strategy
	r.fail(&Failure{Kind: KindNondeterminism, Step: r.nsteps, G: -1, msgf: func() string {
		var b strings.Builder
		fmt.Fprintf(&b, "schedule diverged at step %d", step)
		if d, ok := s.(interface{ Divergence() string }); ok {
			fmt.Fprintf(&b, ": %s", d.Divergence())
		}
		b.WriteString("; enabled:")
		for _, a := range enabled {
			fmt.Fprintf(&b, " %s", altName(a))
		}
		b.WriteString(" (the test body is not deterministic, or the token belongs to another test or version)")
		return b.String()
	}})
}

func altName(a Alt) string {
	if a.Case >= 0 {
		return fmt.Sprintf("g%d/case%d", a.G, a.Case)
	}
	return fmt.Sprintf("g%d", a.G)
}

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return fmt.Sprintf("%d %ss", n, s)
}
