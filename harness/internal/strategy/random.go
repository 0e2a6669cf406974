// Package strategy holds the exploration strategies: each decides, at every
// scheduling point with a choice, which alternative a run takes.
package strategy

import (
	"fmt"
	"math/rand/v2"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// runRand returns the random source of run number run of an exploration
// seeded with seed: runs are independent of one another, so that run 517
// can be repeated without running the 516 before it.
func runRand(seed uint64, run int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(run)*0x9e3779b97f4a7c15+1))
}

// Random is the random walk: at each point, every alternative is equally
// likely.
type Random struct {
	seed uint64
	rnd  *rand.Rand
}

// NewRandom returns a random walk seeded with seed.
func NewRandom(seed uint64) *Random { return &Random{seed: seed} }

// Name implements engine.Strategy.
func (s *Random) Name() string { return fmt.Sprintf("random(seed=%d)", s.seed) }

// BeginRun implements engine.Strategy.
func (s *Random) BeginRun(run int) bool {
	s.rnd = runRand(s.seed, run)
	return true
}

// Choose implements engine.Strategy.
func (s *Random) Choose(p *engine.Point) int { return s.rnd.IntN(len(p.Alts)) }

// EndRun implements engine.Strategy.
func (s *Random) EndRun(int, bool) {}
