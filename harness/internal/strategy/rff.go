package strategy

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// RFF is greybox schedule fuzzing after reads-from fuzzing (Wolff et al.,
// "Greybox Fuzzing for Concurrency Testing", ASPLOS 2024). A run covers
// ordered pairs of conflicting operations: two operations on one object by
// different goroutines, one of them a write, the first the object's latest
// access before the second (its latest write, if the second only reads).
// A schedule is a short list of orders "operation A before operation B";
// a run under it is partial order sampling (POS) in which a goroutine whose
// next operation is some B waits, while any other goroutine can go on,
// until its A has happened. A schedule whose run covers a pair no earlier
// run covered is kept, with the pairs its run covered; later runs take a
// kept schedule, preferring those kept for pairs still rarely covered, and
// mutate it: reverse a pair its run covered (B before A), keep one (A
// before B), or drop an order. One run in four mutates nothing, so the
// exploration never stops sampling at random.
//
// An operation is named by its goroutine and how many transitions that
// goroutine made before it: goroutines are numbered in creation order, so
// the name means the same operation in runs that begin alike, and needs
// no program counter (which a step does not record). The orders are
// preferences, never a cause of deadlock: a goroutine that waits runs
// when no other can.
//
// The schedule a run follows depends on the runs before it; its decisions
// are recorded like any other's, so a failure replays without them.
type RFF struct {
	seed uint64
	src  runSource // the mutations' draws, per run
	pos  POS       // priorities under the orders
	fair starvation

	// This run.
	orders []order // the schedule
	count  byG[int32]
	last   map[uintptr]access // each object's latest access
	pairs  []order            // the pairs covered, in order

	// Across runs.
	hits   map[order]uint32 // runs that covered each pair
	corpus []kept
}

// An event is an operation of a run: goroutine g's transition number n.
type event struct{ g, n int32 }

// An order says that event first happens before event then.
type order struct{ first, then event }

type access struct {
	any, write event // the latest access, the latest write
	hasWrite   bool
}

// A kept schedule and what its run covered.
type kept struct {
	orders []order
	pairs  []order // the pairs its run covered, the first maxPairs
	fresh  []order // those no run had covered before: why it is kept
}

const (
	maxOrders = 8       // orders in a schedule; the oldest goes first
	maxPairs  = 128     // pairs kept with a schedule
	maxCorpus = 256     // schedules kept
	maxHits   = 1 << 18 // pairs counted; past this a pair not seen is not new
)

// NewRFF returns greybox schedule fuzzing seeded with seed.
func NewRFF(seed uint64) *RFF {
	return &RFF{seed: seed, pos: POS{seed: seed ^ 0x7266662d706f73}, last: make(map[uintptr]access), hits: make(map[order]uint32)}
}

// Name implements engine.Strategy.
func (s *RFF) Name() string { return fmt.Sprintf("rff(seed=%d)", s.seed) }

// BeginRun implements engine.Strategy: the run follows a mutant of a kept
// schedule, or (one run in four, and while none is kept) no schedule.
func (s *RFF) BeginRun(run int) bool {
	rnd := s.src.begin(s.seed, run)
	s.pos.BeginRun(run)
	s.fair.reset()
	clear(s.count.used())
	s.count.reset()
	clear(s.last)
	s.pairs = s.pairs[:0]
	s.orders = s.orders[:0]
	if len(s.corpus) > 0 && rnd.IntN(4) != 0 {
		k := s.pick(rnd)
		s.orders = append(s.orders, k.orders...)
		s.mutate(rnd, k)
	}
	return true
}

// pick returns a kept schedule: of two drawn, the one kept for the pair
// that runs have covered least.
func (s *RFF) pick(rnd *rand.Rand) *kept {
	a, b := &s.corpus[rnd.IntN(len(s.corpus))], &s.corpus[rnd.IntN(len(s.corpus))]
	if s.rarity(b) < s.rarity(a) {
		return b
	}
	return a
}

// rarity is how often the rarest pair a schedule was kept for has been
// covered since.
func (s *RFF) rarity(k *kept) uint32 {
	r := ^uint32(0)
	for _, p := range k.fresh {
		r = min(r, s.hits[p])
	}
	return r
}

// mutate changes the run's orders, taken from k, one to three times:
// reverse a pair k's run covered, keep one, or drop an order. Pairs are
// drawn from those k was kept for half the time.
func (s *RFF) mutate(rnd *rand.Rand, k *kept) {
	n := 1 + rnd.IntN(2) + rnd.IntN(2)
	for range n {
		pair := func() order {
			if rnd.IntN(2) == 0 {
				return k.fresh[rnd.IntN(len(k.fresh))]
			}
			return k.pairs[rnd.IntN(len(k.pairs))]
		}
		switch r := rnd.IntN(10); {
		case r >= 8 && len(s.orders) > 0:
			i := rnd.IntN(len(s.orders))
			s.orders = slices.Delete(s.orders, i, i+1)
		case r >= 6 && r < 8:
			s.orders = add(s.orders, pair())
		default:
			s.orders = reverse(s.orders, pair())
		}
	}
}

// reverse returns orders with p's opposite in place of p.
func reverse(orders []order, p order) []order {
	return add(orders, order{first: p.then, then: p.first})
}

// add returns orders with o, without its opposite, and without the
// oldest order if there are too many.
func add(orders []order, o order) []order {
	orders = slices.DeleteFunc(orders, func(x order) bool { return x == o || x.first == o.then && x.then == o.first })
	if len(orders) >= maxOrders {
		orders = slices.Delete(orders, 0, 1)
	}
	return append(orders, o)
}

// Choose implements engine.Strategy: the alternative of highest priority
// among those whose goroutine need not wait for an order, or among all if
// every one must.
func (s *RFF) Choose(p *engine.Point) int {
	best, bestPrio := 0, -2.0
	for i, a := range p.Alts {
		pr := s.pos.priority(a) // in [0, 1)
		if len(s.orders) > 0 && s.waits(a.G) {
			pr -= 1
		}
		if pr > bestPrio {
			best, bestPrio = i, pr
		}
	}
	if j := s.fair.starved(p); j >= 0 {
		best = j
	}
	s.fair.chose(p, best)
	return best
}

// waits reports whether goroutine g's next operation is the second of an
// order whose first has not happened.
func (s *RFF) waits(g int) bool {
	next := event{int32(g), *s.count.at(g)}
	for _, o := range s.orders {
		if o.then == next && *s.count.at(int(o.first.g)) <= o.first.n {
			return true
		}
	}
	return false
}

// Taken implements engine.Observer: it counts the goroutine's transitions
// and records the pair the operation completes.
func (s *RFF) Taken(p *engine.Point, chosen, created int) {
	s.pos.Taken(p, chosen, created)
	a := p.Alts[chosen]
	n := s.count.at(a.G)
	e := event{int32(a.G), *n}
	*n++
	if a.G == engine.TimerG {
		return
	}
	if a.Obj != 0 {
		s.access(a.Obj, e, a.Kind.Writes())
	}
	if a.Obj2 != 0 {
		s.access(a.Obj2, e, true) // a Cond's Wait releases its lock
	}
}

// access records that event e touched obj, and the pair it completes.
func (s *RFF) access(obj uintptr, e event, write bool) {
	l, seen := s.last[obj]
	switch {
	case !seen:
	case write && l.any.g != e.g:
		s.pairs = append(s.pairs, order{l.any, e})
	case !write && l.hasWrite && l.write.g != e.g:
		s.pairs = append(s.pairs, order{l.write, e})
	}
	l.any = e
	if write {
		l.write, l.hasWrite = e, true
	}
	s.last[obj] = l
}

// EndRun implements engine.Strategy: a run that covered a new pair keeps
// its schedule.
func (s *RFF) EndRun(_ int, _ bool) {
	var fresh []order
	for _, p := range s.pairs {
		h, ok := s.hits[p]
		if !ok && len(s.hits) >= maxHits {
			continue
		}
		if h == 0 {
			fresh = append(fresh, p)
		}
		s.hits[p] = h + 1
	}
	if len(fresh) == 0 {
		return
	}
	k := kept{orders: slices.Clone(s.orders), pairs: slices.Clone(s.pairs[:min(len(s.pairs), maxPairs)]), fresh: fresh}
	if len(s.corpus) < maxCorpus {
		s.corpus = append(s.corpus, k)
		return
	}
	// Full: k replaces the schedule whose pairs are now the most covered
	// of two, drawn by the next run's source.
	rnd := s.src.rnd
	i, j := rnd.IntN(len(s.corpus)), rnd.IntN(len(s.corpus))
	if s.rarity(&s.corpus[j]) > s.rarity(&s.corpus[i]) {
		i = j
	}
	s.corpus[i] = k
}
