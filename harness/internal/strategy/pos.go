package strategy

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// POS is partial order sampling (Yuan, Yang and Gu, CAV 2018). Every
// pending step has a random priority and the highest one runs; after a
// step runs, the pending steps that race with it (are dependent with it)
// draw new priorities. Steps that do not race keep theirs, so the
// schedules a run samples are close to uniform over the partial orders of
// a program rather than over its interleavings, which random walk favours
// towards the few with many.
type POS struct {
	seed uint64
	src  runSource
	rnd  *rand.Rand
	prio byG[[]float64] // by goroutine, then case + 1; unset is NaN
	fair starvation
}

// NewPOS returns partial order sampling seeded with seed.
func NewPOS(seed uint64) *POS { return &POS{seed: seed} }

// Name implements engine.Strategy.
func (s *POS) Name() string { return fmt.Sprintf("pos(seed=%d)", s.seed) }

// BeginRun implements engine.Strategy.
func (s *POS) BeginRun(run int) bool {
	s.rnd = s.src.begin(s.seed, run)
	for _, ps := range s.prio.used() {
		for i := range ps {
			ps[i] = math.NaN()
		}
	}
	s.prio.reset()
	s.fair.reset()
	return true
}

func (s *POS) priority(a engine.Alt) float64 {
	ps := s.prio.at(a.G)
	c := a.Case + 1
	for len(*ps) <= c {
		*ps = append(*ps, math.NaN())
	}
	p := (*ps)[c]
	if math.IsNaN(p) {
		p = s.rnd.Float64()
		(*ps)[c] = p
	}
	return p
}

// Choose implements engine.Strategy.
func (s *POS) Choose(p *engine.Point) int {
	best, bestPrio := 0, -1.0
	for i, a := range p.Alts {
		if pr := s.priority(a); pr > bestPrio {
			best, bestPrio = i, pr
		}
	}
	if j := s.fair.starved(p); j >= 0 {
		best = j
	}
	s.fair.chose(p, best)
	return best
}

// Taken implements engine.Observer: the step that ran, and those that race
// with it, draw new priorities when they are next pending.
func (s *POS) Taken(p *engine.Point, chosen, _ int) {
	a := p.Alts[chosen]
	for _, b := range p.Alts {
		if b.G == a.G || dependent(a, b) {
			if ps := s.prio.at(b.G); b.Case+1 < len(*ps) {
				(*ps)[b.Case+1] = math.NaN()
			}
		}
	}
}

// EndRun implements engine.Strategy.
func (s *POS) EndRun(int, bool) {}

// Portfolio takes turns between strategies, one run each (Coyote's
// portfolio): bugs that one strategy finds slowly, another often finds
// fast.
type Portfolio struct {
	members []engine.Strategy
	cur     engine.Strategy
	obs     engine.Observer
}

// NewPortfolio returns a portfolio of the given strategies.
func NewPortfolio(members ...engine.Strategy) *Portfolio { return &Portfolio{members: members} }

// Name implements engine.Strategy.
func (s *Portfolio) Name() string {
	name := "portfolio("
	for i, m := range s.members {
		if i > 0 {
			name += ", "
		}
		name += m.Name()
	}
	return name + ")"
}

// BeginRun implements engine.Strategy.
func (s *Portfolio) BeginRun(run int) bool {
	s.cur = s.members[run%len(s.members)]
	s.obs, _ = s.cur.(engine.Observer)
	return s.cur.BeginRun(run / len(s.members))
}

// Choose implements engine.Strategy.
func (s *Portfolio) Choose(p *engine.Point) int { return s.cur.Choose(p) }

// Taken implements engine.Observer, for members that observe.
func (s *Portfolio) Taken(p *engine.Point, chosen, created int) {
	if s.obs != nil {
		s.obs.Taken(p, chosen, created)
	}
}

// Searching implements engine.Searcher, for members that search.
func (s *Portfolio) Searching() bool {
	sr, ok := s.cur.(engine.Searcher)
	return ok && sr.Searching()
}

// EndRun implements engine.Strategy.
func (s *Portfolio) EndRun(steps int, failed bool) { s.cur.EndRun(steps, failed) }

// Counting implements engine.Counter: the run's member may count.
func (s *Portfolio) Counting() bool {
	c, ok := s.cur.(engine.Counter)
	return ok && c.Counting()
}

// ChooseOf implements engine.Counter.
func (s *Portfolio) ChooseOf(n int) int { return s.cur.(engine.Counter).ChooseOf(n) }
