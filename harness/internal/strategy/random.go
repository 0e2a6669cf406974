// Package strategy holds the exploration strategies: each decides, at every
// scheduling point with a choice, which alternative a run takes.
package strategy

import (
	"fmt"
	"math/rand/v2"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// runSource is the random source of the runs of an exploration: each run
// is seeded from the exploration's seed and the run's number, so that runs
// are independent of one another and run 517 can be repeated without the
// 516 before it.
type runSource struct {
	pcg rand.PCG
	rnd *rand.Rand
}

func (s *runSource) begin(seed uint64, run int) *rand.Rand {
	s.pcg.Seed(seed, uint64(run)*0x9e3779b97f4a7c15+1)
	if s.rnd == nil {
		s.rnd = rand.New(&s.pcg)
	}
	return s.rnd
}

// Random is the random walk: at each point, every alternative is equally
// likely.
type Random struct {
	seed uint64
	src  runSource
	rnd  *rand.Rand
}

// NewRandom returns a random walk seeded with seed.
func NewRandom(seed uint64) *Random { return &Random{seed: seed} }

// Name implements engine.Strategy.
func (s *Random) Name() string { return fmt.Sprintf("random(seed=%d)", s.seed) }

// BeginRun implements engine.Strategy.
func (s *Random) BeginRun(run int) bool {
	s.rnd = s.src.begin(s.seed, run)
	return true
}

// Choose implements engine.Strategy.
func (s *Random) Choose(p *engine.Point) int { return s.rnd.IntN(len(p.Alts)) }

// EndRun implements engine.Strategy.
func (s *Random) EndRun(int, bool) {}

// Counting implements engine.Counter: a random walk needs only the number
// of alternatives.
func (s *Random) Counting() bool { return true }

// ChooseOf implements engine.Counter.
func (s *Random) ChooseOf(n int) int { return s.rnd.IntN(n) }

// starvation guards the priority strategies against the livelock that a
// goroutine looping forever causes (a ticker loop, a spinning poller): a
// goroutine that could have run at starveLimit choices in a row without
// being chosen is chosen, as a fair scheduler would sooner or later. Random
// walk needs no such guard.
type starvation struct {
	waiting byG[int]
}

const starveLimit = 1000

// starved returns the alternative of the goroutine that waited too long,
// or -1; it counts the wait of the others.
func (s *starvation) starved(p *engine.Point) int {
	best, most := -1, starveLimit
	for i, a := range p.Alts {
		if w := *s.waiting.at(a.G); w >= most {
			best, most = i, w
		}
	}
	return best
}

// chose records that alternative i was taken.
func (s *starvation) chose(p *engine.Point, i int) {
	g := p.Alts[i].G
	for _, a := range p.Alts {
		if a.G != g {
			*s.waiting.at(a.G)++
		}
	}
	*s.waiting.at(g) = 0
}

func (s *starvation) reset() {
	clear(s.waiting.used())
	s.waiting.reset()
}

// byG is a value per goroutine of a run, the clock's (engine.TimerG)
// included, kept in a slice: strategies look one up for every alternative
// of every point.
type byG[T any] struct {
	vs []T
	n  int // the values in use this run: vs[:n]
}

// at returns the value of goroutine g, the zero value at first.
func (b *byG[T]) at(g int) *T {
	i := g + 1 // TimerG is -1
	if i >= len(b.vs) {
		b.vs = append(b.vs, make([]T, i+1-len(b.vs))...)
	}
	b.n = max(b.n, i+1)
	return &b.vs[i]
}

// used returns the values of the run, for clearing them.
func (b *byG[T]) used() []T { return b.vs[:b.n] }

// reset starts a run: the caller has reset the values used.
func (b *byG[T]) reset() { b.n = 0 }
