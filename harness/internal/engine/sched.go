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
	r.gs = append(r.gs, g)
	r.live = append(r.live, g)
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
		g.state = gDone
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
		r.made[q.obj] = true
		return id, reply{step: r.nsteps}
	case noteNow:
		return id, reply{step: r.nsteps, n: r.clock}
	case noteRand:
		r.sampled++
		return id, reply{step: r.nsteps, n: int64(r.rnd.Uint64())}
	case noteDraw:
		return r.draw(g, uint64(q.n))
	case noteOnceDone:
		r.object(q.obj, objOnce).running = free
		return id, reply{step: r.nsteps}
	}
	if raceEnabled {
		r.probeFor, r.probeFree = q.lock, q.lockFree
	}
	if raceEnabled {
		r.probeFor, r.probeFree = q.lock, q.lockFree
	}
	g.state = gParked
	g.op = pending{kind: q.kind, obj: q.obj, aux: q.aux, auxKind: q.auxKind, n: q.n,
		cases: copyCases(g.op.cases, q.cases), hasDefault: q.hasDefault, period: q.period, tkind: q.tkind, f: q.f}
	g.arrived, g.readyAt = r.nsteps, -1
	if q.kind == KSleep {
		// The goroutine sleeps until the clock reaches its deadline.
		g.op.n = r.clock + q.n
		r.addTimer(&vtimer{kind: tSleep, when: g.op.n, g: id, dur: q.n})
	}
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
	if r.nsteps >= r.maxSteps {
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
// strategy for one if there is a choice, and applies it.
func (r *Run) schedule() (int, reply) {
	if r.nsteps >= r.maxSteps {
		r.stepLimit()
		return r.end()
	}
	alts := r.collect()
	var a Alt
	chosen := 0
	switch len(alts) {
	case 0:
		if !r.waitOutside() && !r.finalized() {
			r.noAlternatives()
			return r.end()
		}
		return r.schedule()
	case 1:
		a = alts[0]
	default:
		if r.nsteps >= r.window {
			a = alts[r.fairChoice(alts)]
			r.unchosen++
			break
		}
		r.pt = Point{Step: r.nsteps, Last: r.last, Alts: alts}
		i := r.strategy.Choose(&r.pt)
		if i == Prune {
			r.pruned = true
			return r.end()
		}
		if i < 0 || i >= len(alts) {
			r.diverged(alts)
			return r.end()
		}
		a, chosen = alts[i], i
		r.decisions = append(r.decisions, Decision{G: a.G, Case: a.Case})
		if r.flight != nil {
			r.flight.Decision(len(r.decisions)-1, a.G, a.Case)
		}
		if a.G != r.last {
			for _, b := range alts {
				if b.G == r.last {
					r.preempt = true
					r.preempted = append(r.preempted, len(r.decisions)-1)
					break
				}
			}
		}
	}
	r.created = -1
	if a.G == r.last {
		r.runLen++
	} else {
		r.runLen = 0
	}
	explored := r.nsteps < r.window
	if a.G == TimerG {
		r.fireAlt(a)
		if explored {
			r.observe(alts, chosen)
		}
		return r.schedule()
	}
	yield := a.Kind == KYield
	rep, fatal := r.apply(a)
	if yield {
		r.runLen = fairQuantum // a yield hands over at once
	}
	if explored {
		r.observe(alts, chosen)
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

// observe tells an Observer strategy about the transition just made.
func (r *Run) observe(alts []Alt, chosen int) {
	if r.observer == nil {
		return
	}
	r.pt.Step, r.pt.Last, r.pt.Alts = r.nsteps-1, r.obsLast, alts
	r.observer.Taken(&r.pt, chosen, r.created)
	r.obsLast = alts[chosen].G
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
			if w := t.when - r.gs[b.G].readyAt; w > r.hold.wait {
				r.hold = hold{g: b.G, wait: w, since: r.gs[b.G].readyAt, step: r.nsteps, late: r.gs[b.G].wokeFor, timer: *t}
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

// collect returns the alternatives of all parked goroutines, and the
// firing of the next timer while some goroutine lives.
func (r *Run) collect() []Alt {
	alts := r.alts[:0]
	live, ready := false, int64(math.MaxInt64)
	if r.searching {
		r.pt.Blocked = r.pt.Blocked[:0]
	}
	r.indexWaiters()
	for _, g := range r.live {
		if g.state == gParked {
			n := len(alts)
			alts = r.altsOf(alts, g, true)
			if r.searching && len(alts) == n {
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
	if live {
		// A timer fires ahead of a goroutine that can run only within
		// its allowance of when that goroutine became ready: a goroutine
		// waits for its turn, but not for an hour.
		if t := r.nextTimer(); t != nil && !r.pastGrace(t) {
			if t.when <= r.clock || ready == math.MaxInt64 || t.when < ready {
				r.nextT = t
				alts = append(alts, Alt{G: TimerG, Case: -1, Kind: KTimer, Obj: uintptr(unsafe.Pointer(t)), Partner: -1})
			} else if r.nsteps < r.window {
				r.held++ // the timer could fire here, were a ready goroutine held back longer
			}
		}
	}
	r.alts = alts
	return alts
}

// altsOf appends what g can do now. Rendezvous with parked partners count
// only when partners is set.
func (r *Run) altsOf(alts []Alt, g *G, partners bool) []Alt {
	op := &g.op
	one := Alt{G: g.id, Case: -1, Kind: op.kind, Obj: r.oid(op.obj), Obj2: r.oid(op.aux), N: op.n, Partner: -1}
	switch op.kind {
	case KLock:
		if !r.mutexFree(r.object(op.obj, objMutex)) {
			return alts
		}
	case KRLock:
		if !r.canRead(r.object(op.obj, objRWMutex)) {
			return alts
		}
	case KWLock:
		o := r.object(op.obj, objRWMutex)
		if g.announced && o.readers > 0 || !g.announced && !r.canRead(o) {
			return alts
		}
	case KWGWait:
		if r.object(op.obj, objWaitGroup).count != 0 {
			return alts
		}
	case KCondRelock:
		if !g.signaled || !r.lockerAvailable(op.aux, op.auxKind) {
			return alts
		}
	case KOnce:
		if r.object(op.obj, objOnce).running != free {
			return alts
		}
	case KSleep:
		if r.clock < op.n {
			return alts
		}
	case KSend, KRecv, KSelect:
		n := len(alts)
		for i, c := range op.cases {
			if ok, partner := r.caseReady(g, c, partners); ok {
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
// proceed now, and the goroutine it needs as a partner (-1 if none).
func (r *Run) caseReady(g *G, c CaseDesc, partners bool) (bool, int) {
	if c.Ch == nil {
		return false, -1
	}
	if alone(c) {
		return true, -1
	}
	if !partners {
		return false, -1
	}
	if p, _ := r.partner(g, c); p != nil {
		return true, p.id
	}
	return false, -1
}

// waiter is a case of a parked goroutine's channel operation, in the
// index that collect builds of them by channel.
type waiter struct {
	g    *G
	ch   unsafe.Pointer
	cas  int
	send bool
	next int32
}

// indexWaiters indexes the cases of the parked goroutines' channel
// operations by channel, so that finding partners costs a lookup and not a
// scan of every goroutine for every case. A few cases are scanned; the map
// is built only for many.
func (r *Run) indexWaiters() {
	r.waits = r.waits[:0]
	for _, p := range r.live {
		if p.state != gParked || p.op.hasDefault {
			continue
		}
		switch p.op.kind {
		case KSend, KRecv, KSelect:
		default:
			continue
		}
		for i, pc := range p.op.cases {
			if pc.Ch != nil {
				r.waits = append(r.waits, waiter{g: p, cas: i, send: pc.Send, ch: pc.Ch, next: -1})
			}
		}
	}
	if r.waitMapped {
		clear(r.waitIdx)
		r.waitMapped = false
	}
	if len(r.waits) <= smallWaits {
		return
	}
	if r.waitIdx == nil {
		r.waitIdx = make(map[unsafe.Pointer][2]int32)
	}
	r.waitMapped = true
	for n := range r.waits {
		ch := r.waits[n].ch
		if ht, ok := r.waitIdx[ch]; ok {
			r.waits[ht[1]].next = int32(n)
			r.waitIdx[ch] = [2]int32{ht[0], int32(n)}
		} else {
			r.waitIdx[ch] = [2]int32{int32(n), int32(n)}
		}
	}
}

// smallWaits is how many channel cases are scanned rather than mapped.
const smallWaits = 16

// partner finds the goroutine that completes an unbuffered channel
// operation with g: a parked goroutine waiting on the other side of the
// same channel in a receive, send or select without default, earliest
// arrival first. It returns the partner and its case. It reads the index
// of the step's collect (indexWaiters), which apply, right after it in the
// same step, may use too.
func (r *Run) partner(g *G, c CaseDesc) (*G, int) {
	var best *G
	bestCase := -1
	var seen *G
	consider := func(w *waiter) {
		if w.g == g || w.send == c.Send || w.g == seen {
			return
		}
		seen = w.g // a goroutine's first matching case counts
		if best == nil || w.g.arrived < best.arrived {
			best, bestCase = w.g, w.cas
		}
	}
	if !r.waitMapped {
		for i := range r.waits {
			if r.waits[i].ch == c.Ch {
				consider(&r.waits[i])
			}
		}
		return best, bestCase
	}
	ht, ok := r.waitIdx[c.Ch]
	if !ok {
		return nil, -1
	}
	for i := ht[0]; i >= 0; i = r.waits[i].next {
		consider(&r.waits[i])
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
func alone(c CaseDesc) bool {
	s := peekChan(c.Ch)
	if s.closed {
		return true
	}
	if c.Send {
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
	r.nsteps++
	r.steps.Store(int64(r.nsteps))
	rep = reply{kind: rProceed, cas: a.Case, step: r.nsteps}
	partner := -1
	failMsg := ""
	switch op.kind {
	case KGo:
		child, fresh := r.newG()
		rep.child, rep.wake, rep.w, rep.fresh = child.id, child.wake, child.w, fresh
		r.created = child.id
	case KLock:
		r.object(op.obj, objMutex).holder = g.id
	case KUnlock:
		o := r.object(op.obj, objMutex)
		if o.holder == free {
			failMsg = "fatal error: sync: unlock of unlocked mutex"
		}
		o.holder = free
	case KTryLock:
		if o := r.object(op.obj, objMutex); r.mutexFree(o) {
			o.holder, rep.ok = g.id, true
		}
	case KRLock:
		r.object(op.obj, objRWMutex).readers++
	case KRUnlock:
		o := r.object(op.obj, objRWMutex)
		if o.readers == 0 {
			failMsg = "fatal error: sync: RUnlock of unlocked RWMutex"
		} else {
			o.readers--
		}
	case KTryRLock:
		if o := r.object(op.obj, objRWMutex); r.canRead(o) {
			o.readers++
			rep.ok = true
		}
	case KWLock:
		o := r.object(op.obj, objRWMutex)
		if o.readers == 0 {
			o.writer, o.announced, g.announced, rep.ok = g.id, free, false, true
		} else {
			o.announced, g.announced = g.id, true
		}
	case KWUnlock:
		o := r.object(op.obj, objRWMutex)
		if o.writer == free {
			failMsg = "fatal error: sync: Unlock of unlocked RWMutex"
		}
		o.writer = free
	case KTryWLock:
		if o := r.object(op.obj, objRWMutex); r.canRead(o) && o.readers == 0 {
			o.writer, rep.ok = g.id, true
		}
	case KWGAdd:
		r.object(op.obj, objWaitGroup).count += op.n
	case KCondWait:
		o := r.object(op.obj, objCond)
		o.waiters = append(o.waiters, g.id)
		g.signaled = false
		failMsg = r.releaseLocker(op.aux, op.auxKind)
	case KCondRelock:
		r.takeLocker(g.id, op.aux, op.auxKind)
	case KCondSignal, KCondBroadcast:
		o := r.object(op.obj, objCond)
		n := len(o.waiters)
		if op.kind == KCondSignal && n > 1 {
			n = 1
		}
		for _, w := range o.waiters[:n] {
			r.gs[w].signaled = true
		}
		o.waiters = append(o.waiters[:0], o.waiters[n:]...)
	case KOnce:
		r.object(op.obj, objOnce).running = g.id
	case KSleep, KTimerNew, KTimerStop, KTimerReset:
		r.applyTimerOp(g, &rep)
	case KSend, KRecv, KSelect:
		if a.Case >= 0 {
			c := op.cases[a.Case]
			r.object(c.Ch, objChan)
			if key, ok := r.timerChan[c.Ch]; ok && !c.Send {
				rep.acquire = key // the timer's start happens before its time is received
			}
			if !alone(c) {
				p, pc := r.partner(g, c)
				partner = p.id
				p.state = gParked
				p.op = pending{kind: KResume, cases: p.op.cases[:0]}
				p.arrived, p.readyAt = r.nsteps, -1
				p.wake <- reply{kind: rRendezvous, cas: pc, step: r.nsteps}
			}
		}
	}
	if op.obj != nil {
		r.object(op.obj, objKindOf(op.kind))
	}
	if r.trace && !r.aborting && !r.stopping {
		r.addRow(row{step: r.nsteps, g: g.id, kind: a.Kind, obj: objOf(a, op), partner: partner,
			child: rep.child, ok: rep.ok, preempt: r.preempt, clock: r.clock, n: op.n})
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
	r.indexWaiters()
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
			if c.Ch != nil && !r.made[c.Ch] {
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

func (r *Run) stepLimit() {
	n := r.maxSteps
	if r.bodyDone {
		r.fail(&Failure{Kind: KindLeak, Step: r.nsteps, G: -1, msgf: func() string {
			return fmt.Sprintf("goroutines still running after the test body returned (step limit %d reached)", n)
		}})
		return
	}
	r.fail(&Failure{Kind: KindStepLimit, Step: r.nsteps, G: -1, msgf: func() string {
		return fmt.Sprintf("run exceeded %d steps, the last of them under a fair scheduler (a livelock, or a test too long to explore: raise MaxSteps)", n)
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
