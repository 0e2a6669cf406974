package engine

import (
	"math"
	"math/bits"
	"slices"
	"unsafe"
)

// The engine knows at every step which goroutines can go on, without
// looking at every goroutine: a step's cost must not grow with the
// goroutines that are blocked, nor with the length of the run.
//
// A parked goroutine is checked (altsOf) when it parks and again only when
// something it waits for may have changed: it is registered with the
// objects its pending operation waits on (a mutex, a WaitGroup, the
// channels of a select, ...), and a transition that changes an object
// marks that object's waiters dirty (touch). The clock wakes sleepers
// through the heap of sleeps. What the engine cannot see change makes a
// goroutine volatile, checked at every step: a lock held by code outside
// the run, a channel the run did not make or that a goroutine outside the
// harness waits on. Code the harness does not control may still touch a
// channel the run made (a standard library function handed it); so every
// goroutine is checked again every fullCheckEvery steps, and before the
// run is found unable to go on.
//
// The goroutines that can go on are a set of goroutine numbers iterated in
// order (the alternatives are ordered by goroutine, as strategies expect),
// and the latest moment at which the clock may move past them (the
// readiness of Config.Latency) is kept as counts by deadline.

// fullCheckEvery is how often, in steps, every parked goroutine is checked
// again whatever changed.
const fullCheckEvery = 64

// reg is a goroutine's registration with an object it waits on.
type reg struct {
	o    *object
	list uint8 // which of the object's lists: regTouch, regSend, ...
	idx  int32 // its place in that list
}

const (
	regTouch = iota // checked again when the object changes
	regSend         // a channel's parked sender (a partner for receivers)
	regRecv         // a channel's parked receiver
	regSendD        // a select with a default case that may send on the channel
	regRecvD        // a select with a default case that may receive from it
	numRegs
)

// waiterRef is an entry of an object's list of waiting goroutines.
type waiterRef struct {
	g   *G
	ri  int32 // the index of the registration in g.regs
	cas int32 // regSend, regRecv: the case of g's select on the channel
}

// readiness is the incremental state of which goroutines can go on. It
// belongs to the Explorer and is reset at each run, so that its buffers
// are reused.
type readiness struct {
	enabled   idset      // goroutines with alternatives of their own
	ind       []indEntry // their alternatives, in no order
	groups    []*object  // free mutexes that goroutines wait to lock
	ngrp      int        // the waiters of those, each an alternative
	gcur      []int      // materialize's cursors in groups
	outside   []*object  // mutexes held outside the run that goroutines wait to lock
	dirty     []*G       // to check at the next collect
	touchedCh []*object  // channels operated on since the last refresh
	volatile  []*G       // to check at every collect
	dls       []dlCount
	n0        int // goroutines that can go on with no allowance (not in dls)
	// chanWaiters counts the parked goroutines registered with a channel:
	// when none can go on, they are checked again before the clock moves
	// or the run ends, in case code outside the harness's view changed
	// their channel.
	chanWaiters int
	nextFull    int // the step of the next check of every goroutine
	maxID       int // the largest goroutine number the set has held
}

// indEntry is alternative k of goroutine g.
type indEntry struct {
	alt Alt
	g   *G
	k   int32
}

// dlCount counts the goroutines that can go on whose deadline (readyAt +
// allowance) is at.
type dlCount struct {
	at int64
	n  int
}

func (rd *readiness) reset() {
	rd.enabled.clear(rd.maxID)
	rd.maxID = 0
	clear(rd.dirty)
	rd.dirty = rd.dirty[:0]
	clear(rd.touchedCh)
	rd.touchedCh = rd.touchedCh[:0]
	clear(rd.volatile)
	rd.volatile = rd.volatile[:0]
	clear(rd.ind)
	rd.ind = rd.ind[:0]
	clear(rd.groups)
	rd.groups = rd.groups[:0]
	clear(rd.outside)
	rd.outside = rd.outside[:0]
	rd.ngrp = 0
	rd.dls = rd.dls[:0]
	rd.n0 = 0
	rd.chanWaiters = 0
	rd.nextFull = fullCheckEvery
}

// markDirty asks for g to be checked at the next collect.
func (r *Run) markDirty(g *G) {
	if !g.dirty {
		g.dirty = true
		r.rd.dirty = append(r.rd.dirty, g)
	}
}

// touch marks the goroutines waiting on o dirty: o changed.
func (r *Run) touch(o *object) {
	if o == nil {
		return
	}
	switch o.kind {
	case objMutex:
		r.updateGroup(o)
	case objChan:
		// What matters to its waiters is whether a send or a receive
		// can complete without a partner, which the operation (made
		// after this step) changes only at the buffer's ends: refresh
		// looks, once for the channel.
		if !o.ctouched {
			o.ctouched = true
			r.rd.touchedCh = append(r.rd.touchedCh, o)
		}
		return
	}
	for _, l := range &o.gw {
		for _, w := range l {
			r.markDirty(w.g)
		}
	}
}

// touchAt touches the object at p, if the run has made one.
func (r *Run) touchAt(p unsafe.Pointer) {
	if o, ok := r.objs[p]; ok {
		r.touch(o)
	}
}

// register records g, just parked at g.op, with the objects its operation
// waits on, and marks it dirty.
func (r *Run) register(g *G) {
	op := &g.op
	if !conditional(op.kind) {
		r.enableAlone(g)
		return
	}
	if op.kind == KLock {
		r.join(g, r.objectOf(g))
		return
	}
	r.markDirty(g)
	switch op.kind {
	case KRLock, KWLock, KWGWait, KOnce:
		r.addReg(g, r.objectOf(g), regTouch, -1)
	case KCondRelock:
		if o := r.lockerObject(op.aux, op.auxKind); o != nil {
			r.addReg(g, o, regTouch, -1)
		}
	case KSend, KRecv, KSelect:
		chans := false
		g.cobjs = g.cobjs[:0]
		for i, c := range op.cases {
			if c.Ch == nil {
				g.cobjs = append(g.cobjs, nil)
				continue
			}
			o := r.object(c.Ch, objChan)
			g.cobjs = append(g.cobjs, o)
			r.chanLooked(o)
			list := uint8(regRecv)
			if c.Send {
				list = regSend
			}
			if op.hasDefault {
				list += regSendD - regSend
			}
			if r.registered(g, o, list) {
				continue // a goroutine's first case on a channel counts
			}
			r.addReg(g, o, list, i)
			r.touchPartners(o, list)
			chans = true
		}
		if chans {
			r.rd.chanWaiters++
		}
	}
}

// chanLooked compares channel o with what its waiters were checked
// against, and has them checked again if it differs.
func (r *Run) chanLooked(o *object) {
	st := peekChan(o.ptr)
	bits := uint8(0)
	if st.ready(true) {
		bits |= 1
	}
	if st.ready(false) {
		bits |= 2
	}
	if bits == o.crd {
		return
	}
	changed := bits ^ o.crd
	o.crd = bits
	if changed&1 != 0 {
		r.dirtyLists(o, regSend, regSendD)
	}
	if changed&2 != 0 {
		r.dirtyLists(o, regRecv, regRecvD)
	}
}

// dirtyLists marks dirty the goroutines on two of o's lists.
func (r *Run) dirtyLists(o *object, a, b int) {
	for _, w := range o.gw[a] {
		r.markDirty(w.g)
	}
	for _, w := range o.gw[b] {
		r.markDirty(w.g)
	}
}

// touchPartners marks dirty the goroutines for which a goroutine joining
// or leaving list of channel o changes what they can do: the parked
// goroutines of the other side, and the selects with a default case that
// could take it as a partner.
func (r *Run) touchPartners(o *object, list uint8) {
	switch list {
	case regSend:
		r.dirtyLists(o, regRecv, regRecvD)
	case regRecv:
		r.dirtyLists(o, regSend, regSendD)
	}
	// A select with a default case is nobody's partner.
}

// conditional reports whether an operation of kind k may have to wait.
func conditional(k Kind) bool {
	switch k {
	case KLock, KRLock, KWLock, KWGWait, KCondRelock, KOnce, KSleep, KSend, KRecv, KSelect:
		return true
	}
	return false
}

// enableAlone makes g, parked at an operation that never waits, one that
// can go on, without a check: its one alternative is the operation.
func (r *Run) enableAlone(g *G) {
	if g.en || g.grp != nil {
		r.unregister(g)
	}
	op := &g.op
	g.alts = append(g.alts[:0], Alt{G: g.id, Case: -1, Kind: op.kind, Obj: r.oid(op.obj), Obj2: r.oid(op.aux), N: op.n, Partner: -1})
	g.vol = false
	g.readyAt = r.clock
	g.en, g.dl = true, g.readyAt+r.allowance(g)
	g.dlz = g.dl == g.readyAt
	r.rd.enabled.add(g.id)
	r.rd.maxID = max(r.rd.maxID, g.id)
	r.dlAdd(g.dl, g.dlz)
	r.addInd(g)
}

// registered reports whether g is on o's list already.
func (r *Run) registered(g *G, o *object, list uint8) bool {
	for _, x := range g.regs {
		if x.o == o && x.list == list {
			return true
		}
	}
	return false
}

func (r *Run) addReg(g *G, o *object, list uint8, cas int) {
	g.regs = append(g.regs, reg{o: o, list: list, idx: int32(len(o.gw[list]))})
	o.gw[list] = append(o.gw[list], waiterRef{g: g, ri: int32(len(g.regs) - 1), cas: int32(cas)})
}

// unregister takes g, which leaves its pending operation, off the lists of
// the objects it waited on, and out of the set of goroutines that can go
// on. The partners of a goroutine leaving a channel may have lost it: they
// are checked again.
func (r *Run) unregister(g *G) {
	if g.grp != nil {
		r.leave(g)
	}
	chans := false
	for _, x := range g.regs {
		l := x.o.gw[x.list]
		last := len(l) - 1
		if int(x.idx) != last {
			moved := l[last]
			l[x.idx] = moved
			moved.g.regs[moved.ri].idx = x.idx
		}
		l[last] = waiterRef{}
		x.o.gw[x.list] = l[:last]
		if x.o.kind == objChan {
			chans = true
			r.touchPartners(x.o, x.list)
		}
	}
	if chans {
		r.rd.chanWaiters--
	}
	clear(g.cobjs)
	g.cobjs = g.cobjs[:0]
	clear(g.regs)
	g.regs = g.regs[:0]
	r.disable(g)
}

// disable takes g out of the goroutines that can go on.
func (r *Run) disable(g *G) {
	if g.en {
		g.en = false
		r.rd.enabled.remove(g.id)
		r.dlRemove(g.dl, g.dlz)
		r.dropInd(g)
	}
	g.alts = g.alts[:0]
}

// dropInd takes g's alternatives out of readiness.ind.
func (r *Run) dropInd(g *G) {
	ind := r.rd.ind
	for j := len(g.ipos) - 1; j >= 0; j-- {
		// From the last: the entry moved into a freed place is never
		// one of g's still to drop, which are all before it.
		i, last := g.ipos[j], int32(len(ind)-1)
		if i != last {
			moved := ind[last]
			ind[i] = moved
			moved.g.ipos[moved.k] = i
		}
		ind[last] = indEntry{}
		ind = ind[:last]
	}
	r.rd.ind = ind
	g.ipos = g.ipos[:0]
}

// addInd puts g's alternatives into readiness.ind.
func (r *Run) addInd(g *G) {
	for k := range g.alts {
		g.ipos = append(g.ipos, int32(len(r.rd.ind)))
		r.rd.ind = append(r.rd.ind, indEntry{alt: g.alts[k], g: g, k: int32(k)})
	}
}

// join adds g, parked to lock o, to o's waiters.
func (r *Run) join(g *G, o *object) {
	i := lwSearch(o.lwID, g.id)
	o.lw = slices.Insert(o.lw, i, g)
	o.lwID = slices.Insert(o.lwID, i, int32(g.id))
	g.grp, g.joined = o, r.clock
	if o.gon {
		r.rd.ngrp++
	} else {
		r.updateGroup(o)
	}
	if o.holder == outside && !o.olisted {
		o.olisted = true
		r.rd.outside = append(r.rd.outside, o)
	}
}

// leave takes g out of the waiters of its mutex.
func (r *Run) leave(g *G) {
	o := g.grp
	g.grp = nil
	i := lwSearch(o.lwID, g.id)
	if i == len(o.lw) || o.lw[i] != g {
		return
	}
	o.lw[len(o.lw)-1], o.lw = nil, slices.Delete(o.lw, i, i+1)
	o.lwID = slices.Delete(o.lwID, i, i+1)
	if o.gon {
		r.rd.ngrp--
		if len(o.lw) == 0 {
			r.updateGroup(o)
		}
	}
}

// lwSearch returns the place in lw, ordered by goroutine number, of the
// first goroutine numbered id or more.
func lwSearch(lw []int32, id int) int {
	lo, hi := 0, len(lw)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if int(lw[m]) < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// updateGroup counts the waiters of mutex o as alternatives exactly while
// it is free. They became ready when it turned free (or, for a waiter that
// came later, when it came: the group's deadline is the earliest).
func (r *Run) updateGroup(o *object) {
	on := len(o.lw) > 0 && o.holder == free
	if on == o.gon {
		return
	}
	rd := r.rd
	o.gon = on
	if on {
		o.gpos = len(rd.groups)
		rd.groups = append(rd.groups, o)
		rd.ngrp += len(o.lw)
		o.gsince = r.clock
		o.gdl = o.gsince + max(r.latency, 0) // lock waiters were not woken by a timer
		r.dlAdd(o.gdl, o.gdl == o.gsince)
		return
	}
	last := len(rd.groups) - 1
	if o.gpos != last {
		rd.groups[o.gpos] = rd.groups[last]
		rd.groups[o.gpos].gpos = o.gpos
	}
	rd.groups[last] = nil
	rd.groups = rd.groups[:last]
	rd.ngrp -= len(o.lw)
	r.dlRemove(o.gdl, o.gdl == o.gsince)
}

// recheck computes what g can do now, and updates the set of goroutines
// that can go on.
func (r *Run) recheck(g *G) {
	g.dirty = false
	if g.grp != nil {
		return // its mutex's group stands for it
	}
	if g.state != gParked {
		g.vol = false
		r.disable(g)
		return
	}
	r.volSeen = false
	alts := r.altsOf(r.scratch[:0], g, true)
	r.scratch = alts
	if r.volSeen && !g.vol {
		r.rd.volatile = append(r.rd.volatile, g)
	}
	g.vol = r.volSeen
	if len(alts) == 0 {
		r.disable(g)
		g.readyAt = -1
		return
	}
	if g.readyAt < 0 {
		g.readyAt = r.clock
	}
	dl := g.readyAt + r.allowance(g)
	if g.en && dl == g.dl && slices.Equal(alts, g.alts) {
		return // nothing changed for it
	}
	g.alts = append(g.alts[:0], alts...)
	switch {
	case !g.en:
		g.en = true
		r.rd.enabled.add(g.id)
		r.rd.maxID = max(r.rd.maxID, g.id)
	default:
		r.dlRemove(g.dl, g.dlz)
		r.dropInd(g)
	}
	g.dl, g.dlz = dl, dl == g.readyAt
	r.dlAdd(g.dl, g.dlz)
	r.addInd(g)
}

// refresh brings the set of goroutines that can go on up to date: the
// dirty ones, the volatile ones, and all of them when full is set.
func (r *Run) refresh(full bool) {
	rd := r.rd
	if full {
		// Only a channel can change where the engine does not see it.
		for _, g := range r.live {
			if len(g.cobjs) > 0 {
				r.markDirty(g)
			}
		}
	}
	if len(rd.volatile) > 0 {
		kept := rd.volatile[:0]
		for _, g := range rd.volatile {
			if g.vol && g.state == gParked {
				kept = append(kept, g)
				r.markDirty(g)
			} else {
				g.vol = false
			}
		}
		clear(rd.volatile[len(kept):])
		rd.volatile = kept
	}
	if len(rd.outside) > 0 {
		kept := rd.outside[:0]
		for _, o := range rd.outside {
			if o.holder == outside && len(o.lw) > 0 {
				r.mutexFree(o) // outside code may have released it
			}
			if o.holder == outside && len(o.lw) > 0 {
				kept = append(kept, o)
			} else {
				o.olisted = false
			}
		}
		clear(rd.outside[len(kept):])
		rd.outside = kept
	}
	if len(rd.touchedCh) > 0 {
		for _, o := range rd.touchedCh {
			o.ctouched = false
			r.chanLooked(o)
		}
		clear(rd.touchedCh)
		rd.touchedCh = rd.touchedCh[:0]
	}
	for len(rd.dirty) > 0 {
		// Checking a goroutine may touch no object, so the list only
		// shrinks; it is walked from its end, any order will do.
		n := len(rd.dirty) - 1
		g := rd.dirty[n]
		rd.dirty[n] = nil
		rd.dirty = rd.dirty[:n]
		r.recheck(g)
	}
}

// readyBy is the earliest deadline of the goroutines that can go on, the
// moment past which the clock may not move while they wait; MaxInt64 if
// none can. A goroutine with no allowance (the common case) has its
// deadline when it became ready, not after the clock: those are only
// counted.
func (r *Run) readyBy() int64 {
	if r.rd.n0 > 0 {
		return r.clock
	}
	if len(r.rd.dls) == 0 {
		return math.MaxInt64
	}
	return r.rd.dls[0].at
}

// dlAdd counts a goroutine (or group) with deadline at; zero says it has
// no allowance (at is when it became ready).
func (r *Run) dlAdd(at int64, zero bool) {
	if zero {
		r.rd.n0++
		return
	}
	dls := r.rd.dls
	i := 0
	for i < len(dls) && dls[i].at < at {
		i++
	}
	if i < len(dls) && dls[i].at == at {
		dls[i].n++
		return
	}
	dls = append(dls, dlCount{})
	copy(dls[i+1:], dls[i:])
	dls[i] = dlCount{at: at, n: 1}
	r.rd.dls = dls
}

// dlRemove undoes dlAdd(at, zero).
func (r *Run) dlRemove(at int64, zero bool) {
	if zero {
		r.rd.n0--
		return
	}
	dls := r.rd.dls
	for i := range dls {
		if dls[i].at == at {
			if dls[i].n--; dls[i].n == 0 {
				r.rd.dls = append(dls[:i], dls[i+1:]...)
			}
			return
		}
	}
}

// idset is a set of goroutine numbers, iterated in increasing order at a
// cost that depends on its members, not on the numbers a run has used: a
// bitset with two levels of summary words (a bit of level k+1 says that
// word of level k is not empty).
type idset struct {
	lv [3][]uint64
	n  int
}

func (s *idset) add(i int) {
	for k := range s.lv {
		w := i >> 6
		if w >= len(s.lv[k]) {
			s.lv[k] = append(s.lv[k], make([]uint64, w+1-len(s.lv[k]))...)
		}
		was := s.lv[k][w]
		s.lv[k][w] = was | 1<<uint(i&63)
		if k == 0 {
			if was&(1<<uint(i&63)) != 0 {
				return
			}
			s.n++
		}
		if was != 0 {
			return
		}
		i = w
	}
}

func (s *idset) remove(i int) {
	for k := range s.lv {
		w := i >> 6
		if w >= len(s.lv[k]) {
			return
		}
		was := s.lv[k][w]
		now := was &^ (1 << uint(i&63))
		s.lv[k][w] = now
		if k == 0 {
			if was == now {
				return
			}
			s.n--
		}
		if now != 0 {
			return
		}
		i = w
	}
}

// has reports whether i is in the set.
func (s *idset) has(i int) bool {
	w := i >> 6
	return i >= 0 && w < len(s.lv[0]) && s.lv[0][w]&(1<<uint(i&63)) != 0
}

// next returns the smallest member not below i, -1 if none.
func (s *idset) next(i int) int {
	const top = len(s.lv) - 1
	k := 0
	for {
		lv := s.lv[k]
		w := i >> 6
		if w >= len(lv) {
			return -1
		}
		if m := lv[w] >> uint(i&63); m != 0 {
			i += bits.TrailingZeros64(m)
			for ; k > 0; k-- {
				i = i<<6 + bits.TrailingZeros64(s.lv[k-1][i])
			}
			return i
		}
		if k == top {
			i = (w + 1) << 6
			continue
		}
		i, k = w+1, k+1
	}
}

// clear empties the set, whose members are at most maxID.
func (s *idset) clear(maxID int) {
	for k := range s.lv {
		maxID >>= 6
		clear(s.lv[k][:min(maxID+1, len(s.lv[k]))])
	}
	s.n = 0
}
