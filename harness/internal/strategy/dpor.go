package strategy

import "github.com/interleave-go/interleave/harness/internal/engine"

// dependent reports whether two transitions may not commute: taken in
// either order, they could leave the program in different states or
// enable different things. The relation is conservative: whatever it
// calls independent must commute for a program whose goroutines
// communicate only through the operations the harness schedules.
func dependent(a, b engine.Alt) bool {
	if a.G == b.G {
		return true // one goroutine's steps stay in order
	}
	if a.G == engine.TimerG || b.G == engine.TimerG {
		return true // the clock moves: timers, sleeps, deadlines
	}
	// A rendezvous moves its partner too.
	if a.Partner >= 0 && (a.Partner == b.G || a.Partner == b.Partner) || b.Partner >= 0 && b.Partner == a.G {
		return true
	}
	if local(a.Kind) || local(b.Kind) {
		return false
	}
	// A select's default is taken when none of its channels is ready:
	// any channel operation may change that.
	if isDefault(a) {
		return chanOp(b.Kind)
	}
	if isDefault(b) {
		return chanOp(a.Kind)
	}
	if !sameObject(a, b) {
		return false
	}
	if !a.Kind.Writes() && !b.Kind.Writes() {
		return false
	}
	return !commute(a.Kind, b.Kind)
}

// sameObject reports whether two transitions touch a common object (a
// Cond's Wait touches its lock too).
func sameObject(a, b engine.Alt) bool {
	for _, x := range [2]uintptr{a.Obj, a.Obj2} {
		if x != 0 && (x == b.Obj || x == b.Obj2) {
			return true
		}
	}
	return false
}

// mayCoEnable reports whether two dependent transitions can both be
// enabled in one state: only then can their order be reversed. A Lock
// cannot be enabled with the Unlock of its mutex (it waits for it), nor a
// WaitGroup's Wait with a Done (it waits for the last one).
func mayCoEnable(a, b engine.Alt) bool {
	pair := func(x, y engine.Kind) bool {
		return a.Kind == x && b.Kind == y || a.Kind == y && b.Kind == x
	}
	switch {
	case pair(engine.KLock, engine.KUnlock), pair(engine.KWLock, engine.KWUnlock), pair(engine.KRLock, engine.KWUnlock):
		return false
	case a.Kind == engine.KWGWait && b.Kind == engine.KWGAdd && b.N < 0, b.Kind == engine.KWGWait && a.Kind == engine.KWGAdd && a.N < 0:
		return false
	}
	return true
}

func local(k engine.Kind) bool {
	switch k {
	case engine.KStart, engine.KResume, engine.KYield, engine.KGo:
		return true
	}
	return false
}

func isDefault(a engine.Alt) bool { return a.Kind == engine.KSelect && a.Case < 0 }

func chanOp(k engine.Kind) bool {
	switch k {
	case engine.KSend, engine.KRecv, engine.KSelect, engine.KClose, engine.KChanLen:
		return true
	}
	return false
}

// commute lists operations on one object that give the same state in
// either order and do not disable each other.
func commute(a, b engine.Kind) bool {
	switch {
	case a == engine.KWGAdd && b == engine.KWGAdd:
		return true // the counter's sum; Wait depends only on reaching 0
	case (a == engine.KRLock || a == engine.KRUnlock) && (b == engine.KRLock || b == engine.KRUnlock):
		return true // readers come and go without excluding each other
	}
	return false
}

// Taken implements engine.Observer: with partial order reduction the
// search follows every transition, to know which ones race.
func (s *DFS) Taken(p *engine.Point, chosen, created int) {
	if !s.por {
		return
	}
	a := p.Alts[chosen]
	state := -1
	if len(p.Alts) > 1 {
		state = s.depth - 1
	}
	// Before taking it: for every goroutine's next transition in this
	// state, find the last step it races with, and make sure the search
	// also tries the other order.
	s.races(p.Alts)
	s.races(p.Blocked)

	// The transition's vector clock: its goroutine's, joined with every
	// step it depends on.
	idx := len(s.trace)
	vc := s.clockOf(a.G)
	for i := idx - 1; i >= 0; i-- {
		if e := &s.trace[i]; dependent(e.alt, a) {
			vc = join(vc, e.vc)
		}
	}
	vc = set(vc, slot(a.G), int32(idx+1))
	s.trace = append(s.trace, devent{alt: a, state: state, vc: vc})
	s.clock[a.G] = vc
	if a.Partner >= 0 {
		s.clock[a.Partner] = join(s.clockOf(a.Partner), vc)
	}
	if created >= 0 {
		s.creator[created] = idx
	}
	// Sleeping transitions stay asleep while what happens is independent
	// of them (the choice at a decision point updated the set already).
	if state < 0 {
		kept := s.sleep[:0]
		for _, t := range s.sleep {
			if !dependent(t, a) {
				kept = append(kept, t)
			}
		}
		s.sleep = kept
	}
}

// races adds backtrack points for the pending transitions ts.
func (s *DFS) races(ts []engine.Alt) {
	for _, t := range ts {
		c := s.clockOf(t.G)
		for i := len(s.trace) - 1; i >= 0; i-- {
			e := &s.trace[i]
			if e.alt.G == t.G || !dependent(e.alt, t) || !mayCoEnable(e.alt, t) {
				continue
			}
			if at(c, slot(e.alt.G)) >= int32(i+1) {
				continue // it happens before t: ordered, not a race
			}
			if e.state >= 0 && e.state < len(s.stack) {
				st := s.stack[e.state]
				found := false
				for j, a := range st.alts {
					if a.G == t.G && a.Case == t.Case {
						st.mark(j)
						found = true
					}
				}
				if !found {
					for j := range st.backtrack {
						st.backtrack[j] = true
					}
				}
			}
			break
		}
	}
}

// clockOf returns a goroutine's vector clock, starting from its creator's
// for a goroutine that has not run yet.
func (s *DFS) clockOf(g int) []int32 {
	if c, ok := s.clock[g]; ok {
		return c
	}
	if i, ok := s.creator[g]; ok {
		return s.trace[i].vc
	}
	return nil
}

// slot is a goroutine's index in vector clocks (the clock is -1).
func slot(g int) int { return g + 1 }

func at(vc []int32, i int) int32 {
	if i < len(vc) {
		return vc[i]
	}
	return 0
}

func set(vc []int32, i int, v int32) []int32 {
	out := make([]int32, max(len(vc), i+1))
	copy(out, vc)
	out[i] = v
	return out
}

func join(a, b []int32) []int32 {
	out := make([]int32, max(len(a), len(b)))
	copy(out, a)
	for i, v := range b {
		out[i] = max(out[i], v)
	}
	return out
}
