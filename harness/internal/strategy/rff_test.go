package strategy

import (
	"slices"
	"testing"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// A sim is a program for driving a strategy without the engine: each
// goroutine performs its operations in order, none ever blocks, and every
// goroutine that has an operation left can go next.
type sim [][]engine.Alt

// op is an operation of goroutine g on object obj.
func op(g int, obj uintptr, k engine.Kind) engine.Alt {
	return engine.Alt{G: g, Case: -1, Kind: k, Obj: obj, Partner: -1}
}

// run makes run number n of the program under s and returns the
// goroutines in the order they ran.
func (p sim) run(s engine.Strategy, n int) []int {
	s.BeginRun(n)
	return p.play(s)
}

// play makes the run that s has begun.
func (p sim) play(s engine.Strategy) []int {
	next := make([]int, len(p))
	var order []int
	pt := &engine.Point{Last: -1}
	for step := 0; ; step++ {
		var alts []engine.Alt
		for g, ops := range p {
			if next[g] < len(ops) {
				alts = append(alts, ops[next[g]])
			}
		}
		if len(alts) == 0 {
			break
		}
		pt.Step, pt.Alts = step, alts
		i := 0
		if len(alts) > 1 {
			i = s.Choose(pt)
		}
		if o, ok := s.(engine.Observer); ok {
			o.Taken(pt, i, -1)
		}
		g := alts[i].G
		next[g]++
		order = append(order, g)
		pt.Last = g
	}
	s.EndRun(len(order), false)
	return order
}

// noisy is a program of three goroutines: each writes object 1 once
// between steps of its own (objects 10+g, which nobody else touches).
func noisy() sim {
	var p sim
	for g := range 3 {
		var ops []engine.Alt
		for i := range 6 {
			if i == g+1 {
				ops = append(ops, op(g, 1, engine.KAtomicStore))
			} else {
				ops = append(ops, op(g, uintptr(10+g), engine.KAtomicLoad))
			}
		}
		p = append(p, ops)
	}
	return p
}

func TestRFFIsDeterministicForASeed(t *testing.T) {
	p := noisy()
	a, b, c := NewRFF(7), NewRFF(7), NewRFF(8)
	differ := false
	for n := range 200 {
		ra, rb, rc := p.run(a, n), p.run(b, n), p.run(c, n)
		if !slices.Equal(ra, rb) {
			t.Fatalf("run %d: seed 7 ran %v, then %v", n, ra, rb)
		}
		differ = differ || !slices.Equal(ra, rc)
	}
	if !differ {
		t.Errorf("seeds 7 and 8 made the same 200 runs")
	}
	if len(a.corpus) == 0 || len(a.corpus) != len(b.corpus) {
		t.Errorf("kept %d and %d schedules, want the same number, above 0", len(a.corpus), len(b.corpus))
	}
}

func TestRFFRecordsConflictingPairs(t *testing.T) {
	// g0 writes x (object 1) and reads y (2); g1 reads x, writes y,
	// reads x; g2 reads x. They run g0 g0 g1 g1 g1 g2.
	p := sim{
		{op(0, 1, engine.KAtomicStore), op(0, 2, engine.KAtomicLoad)},
		{op(1, 1, engine.KAtomicLoad), op(1, 2, engine.KAtomicStore), op(1, 1, engine.KAtomicLoad)},
		{op(2, 1, engine.KAtomicLoad)},
	}
	s := NewRFF(1)
	s.BeginRun(0)
	pt := &engine.Point{Last: -1}
	for _, g := range []int{0, 0, 1, 1, 1, 2} {
		pt.Alts = []engine.Alt{p[g][*s.count.at(g)]}
		s.Taken(pt, 0, -1)
		pt.Last = g
	}
	want := []order{
		{event{0, 0}, event{1, 0}}, // g1 reads the x g0 wrote
		{event{0, 1}, event{1, 1}}, // g1 writes the y g0 read
		{event{0, 0}, event{1, 2}}, // g1 reads that x again
		{event{0, 0}, event{2, 0}}, // and so does g2: reads pair with the write they read
	}
	if !slices.Equal(s.pairs, want) {
		t.Errorf("pairs = %v, want %v", s.pairs, want)
	}
}

func TestRFFKeepsOnlyRunsWithNewPairs(t *testing.T) {
	p := sim{
		{op(0, 1, engine.KAtomicStore)},
		{op(1, 1, engine.KAtomicStore)},
	}
	s := NewRFF(3)
	seen := map[[2]int]bool{}
	for n := range 50 {
		o := p.run(s, n)
		seen[[2]int(o)] = true
		if len(s.corpus) != len(seen) {
			t.Fatalf("after run %d: %d schedules kept, want one per order seen (%v)", n, len(s.corpus), seen)
		}
	}
	if len(seen) != 2 {
		t.Errorf("50 runs made only the orders %v, want both", seen)
	}
}

func TestRFFPrefersSchedulesKeptForRarePairs(t *testing.T) {
	common, rare := order{event{0, 0}, event{1, 0}}, order{event{1, 0}, event{0, 0}}
	s := NewRFF(9)
	s.corpus = []kept{{pairs: []order{common}, fresh: []order{common}}, {pairs: []order{rare}, fresh: []order{rare}}}
	s.hits[common], s.hits[rare] = 100, 1
	picked := map[order]int{}
	for n := range 400 {
		picked[s.pick(s.src.begin(s.seed, n)).fresh[0]]++
	}
	// Of two drawn, the rarer: the rare one unless both draws are the
	// common one, three times in four.
	if picked[rare] < 2*picked[common] {
		t.Errorf("picked the schedule kept for a pair covered once %d times, the one for a pair covered 100 times %d times; want about three to one", picked[rare], picked[common])
	}
}

func TestRFFFollowsOrders(t *testing.T) {
	// g1's write of object 1 (its step 5) is to come before g0's (its
	// step 0): g0 waits while g1 makes the five steps before it.
	p := sim{
		{op(0, 1, engine.KAtomicStore), op(0, 10, engine.KAtomicLoad)},
		{op(1, 11, engine.KAtomicLoad), op(1, 11, engine.KAtomicLoad), op(1, 11, engine.KAtomicLoad), op(1, 11, engine.KAtomicLoad), op(1, 11, engine.KAtomicLoad), op(1, 1, engine.KAtomicStore)},
	}
	want := []int{1, 1, 1, 1, 1, 1, 0, 0}
	for seed := range uint64(20) {
		s := NewRFF(seed)
		s.BeginRun(0)
		s.orders = []order{{event{1, 5}, event{0, 0}}}
		if got := p.play(s); !slices.Equal(got, want) {
			t.Errorf("seed %d: ran %v, want %v", seed, got, want)
		}
	}
}

func TestRFFOrdersThatCannotHoldDoNotStop(t *testing.T) {
	// Each goroutine waits for the other: the run goes on regardless.
	p := sim{{op(0, 1, engine.KAtomicStore)}, {op(1, 1, engine.KAtomicStore)}}
	s := NewRFF(1)
	s.BeginRun(0)
	s.orders = []order{{event{1, 0}, event{0, 0}}, {event{0, 0}, event{1, 0}}}
	if got := p.play(s); len(got) != 2 {
		t.Errorf("ran %v, want both goroutines", got)
	}
}

func TestRFFMutations(t *testing.T) {
	ab := order{event{0, 3}, event{1, 2}}
	ba := order{event{1, 2}, event{0, 3}}
	cd := order{event{2, 0}, event{0, 1}}
	if got, want := reverse([]order{cd, ab}, ab), []order{cd, ba}; !slices.Equal(got, want) {
		t.Errorf("reverse of %v in [%v %v] = %v, want %v", ab, cd, ab, got, want)
	}
	if got, want := add([]order{ab, cd}, ab), []order{cd, ab}; !slices.Equal(got, want) {
		t.Errorf("add of %v to [%v %v] = %v, want %v", ab, ab, cd, got, want)
	}
	var full []order
	for i := range maxOrders {
		full = append(full, order{event{0, int32(i)}, event{1, int32(i)}})
	}
	got := add(slices.Clone(full), cd)
	if want := append(slices.Clone(full[1:]), cd); !slices.Equal(got, want) {
		t.Errorf("add to %d orders = %v, want the oldest dropped: %v", maxOrders, got, want)
	}
	// Every order of a mutant of a kept schedule is the schedule's, or a
	// pair of its run, or such a pair reversed.
	k := &kept{orders: []order{cd}, pairs: []order{ab, cd}, fresh: []order{ab}}
	allowed := map[order]bool{ab: true, ba: true, cd: true, {cd.then, cd.first}: true}
	s := NewRFF(5)
	for n := range 100 {
		rnd := s.src.begin(s.seed, n)
		s.orders = append(s.orders[:0], k.orders...)
		s.mutate(rnd, k)
		for _, o := range s.orders {
			if !allowed[o] {
				t.Fatalf("mutant %v of %v has %v, from neither the schedule nor its run", s.orders, k.orders, o)
			}
		}
	}
}
