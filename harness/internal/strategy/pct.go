package strategy

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// PCT is probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi
// and Nagarakatte, ASPLOS 2010). Each goroutine gets a random priority and
// the highest-priority enabled goroutine runs; at depth-1 random steps the
// running goroutine drops below all others. A bug that needs d ordering
// constraints is found in a run with probability at least 1/(n·k^(d-1))
// for n goroutines and k steps, whatever the program.
type PCT struct {
	depth int
	seed  uint64
	src   runSource
	rnd   *rand.Rand
	k     int // estimate of a run's length in steps, the largest seen so far

	prio    byG[float64] // by goroutine; 0 is unset (priorities are above 0)
	fair    starvation
	changes []int // steps at which the running goroutine is demoted
	applied int   // change points already applied
}

// NewPCT returns PCT with the given depth (at least 1) and seed.
func NewPCT(depth int, seed uint64) *PCT {
	return &PCT{depth: max(depth, 1), seed: seed, k: 32}
}

// Name implements engine.Strategy.
func (s *PCT) Name() string { return fmt.Sprintf("pct(depth=%d, seed=%d)", s.depth, s.seed) }

// BeginRun implements engine.Strategy.
func (s *PCT) BeginRun(run int) bool {
	s.rnd = s.src.begin(s.seed, run)
	clear(s.prio.used())
	s.prio.reset()
	s.changes = s.changes[:0]
	for range s.depth - 1 {
		s.changes = append(s.changes, 1+s.rnd.IntN(s.k))
	}
	slices.Sort(s.changes)
	s.applied = 0
	s.fair.reset()
	return true
}

// Choose implements engine.Strategy.
func (s *PCT) Choose(p *engine.Point) int {
	i := s.choose(p)
	if j := s.fair.starved(p); j >= 0 {
		// The starved goroutine runs, and keeps running: it takes the top
		// priority.
		i = j
		top := 0.0
		for _, pr := range s.prio.used() {
			top = max(top, pr)
		}
		*s.prio.at(p.Alts[i].G) = top + 1
	}
	s.fair.chose(p, i)
	return i
}

func (s *PCT) choose(p *engine.Point) int {
	// Demote the goroutine that ran at each change point passed since the
	// last choice, below every initial priority (which are all >= 1).
	for s.applied < len(s.changes) && s.changes[s.applied] <= p.Step {
		if p.Last >= 0 {
			*s.prio.at(p.Last) = float64(s.applied+1) / float64(len(s.changes)+1)
		}
		s.applied++
	}
	best, bestPrio := -1, -1.0
	for i, a := range p.Alts {
		prp := s.prio.at(a.G)
		pr := *prp
		if pr == 0 {
			// A goroutine seen for the first time gets a random place
			// among the initial priorities.
			pr = 1 + s.rnd.Float64()
			*prp = pr
		}
		if pr > bestPrio {
			best, bestPrio = i, pr
		}
	}
	// Several cases of one select: any of them, at random.
	n := 0
	for _, a := range p.Alts {
		if a.G == p.Alts[best].G {
			n++
		}
	}
	if n > 1 {
		pick := s.rnd.IntN(n)
		for i, a := range p.Alts {
			if a.G == p.Alts[best].G {
				if pick == 0 {
					return i
				}
				pick--
			}
		}
	}
	return best
}

// EndRun implements engine.Strategy.
func (s *PCT) EndRun(steps int, _ bool) { s.k = max(s.k, steps) }
