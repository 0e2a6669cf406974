package strategy

import (
	"fmt"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// DFS explores the schedules of a program depth first, re-running it from
// the start for each: stateless model checking. It has two modes.
//
// Without partial order reduction it is iterative context bounding
// (Musuvathi and Qadeer, PLDI 2007): every schedule with no preemption,
// then every one with exactly one, and so on up to the bound, so that the
// first failure found has the fewest preemptions that show it.
//
// With partial order reduction (Flanagan and Godefroid, POPL 2005, with
// sleep sets) it explores one schedule of each class of schedules that
// only reorder independent steps (operations on different objects, reads
// of one object), which is all of them for a program whose goroutines
// communicate only through the operations the harness schedules.
type DFS struct {
	por   bool
	bound int // preemptions, -1 for none (POR) or no limit

	level    int // ICB: the preemptions of the schedules of this pass
	stack    []*dstate
	depth    int // decision points passed in the current run
	pre      int // preemptions in the current run
	complete bool
	runs     int
	counted  int // distinct schedules (ICB: runs at their own level)
	pruned   int
	diverged string

	// Sharding: this search owns the runs whose first decisions hash to
	// shard modulo shards.
	shard, shards int
	prefix        uint64

	// Partial order reduction, per run.
	trace   []devent
	clock   map[int][]int32 // each goroutine's vector clock
	creator map[int]int     // goroutine -> event that started it
	sleep   []engine.Alt    // transitions asleep in the current state
}

type dstate struct {
	alts      []engine.Alt
	last      int
	chosen    int
	order     []int  // ICB: alternatives in the order to try
	next      int    // ICB: position in order of the next one to try
	backtrack []bool // POR: alternatives to explore
	done      []bool // POR: alternatives explored
	sleep     []engine.Alt
	after     []engine.Alt // POR: sleep set after the chosen alternative
	preBefore int          // ICB: preemptions before this state
}

type devent struct {
	alt   engine.Alt
	state int // decision state before it, -1 if it was the only alternative
	vc    []int32
}

// NewDFS returns a depth-first search. With por it uses partial order
// reduction and no preemption bound; without, bound limits preemptions
// (-1: no limit).
func NewDFS(por bool, bound int) *DFS {
	if por {
		bound = -1
	}
	return &DFS{por: por, bound: bound}
}

// Name implements engine.Strategy.
func (s *DFS) Name() string {
	if s.por {
		return "dfs(por)"
	}
	if s.bound < 0 {
		return "dfs"
	}
	return fmt.Sprintf("dfs(preemptions<=%d)", s.bound)
}

// Searching implements engine.Searcher: partial order reduction compares
// the runs' alternatives.
func (s *DFS) Searching() bool { return s.por }

// Complete reports whether the search has covered every schedule (within
// the bound).
func (s *DFS) Complete() bool { return s.complete }

// Schedules returns the number of distinct schedules run, and of runs the
// search ended early because they repeated what it had seen.
func (s *DFS) Schedules() (int, int) { return s.counted, s.pruned }

// BeginRun implements engine.Strategy.
func (s *DFS) BeginRun(int) bool {
	if s.complete {
		return false
	}
	s.depth, s.pre, s.diverged, s.prefix = 0, 0, "", 14695981039346656037
	if s.por {
		s.trace = s.trace[:0]
		s.clock = make(map[int][]int32)
		s.creator = make(map[int]int)
		s.sleep = s.sleep[:0]
	}
	return true
}

func sameAlts(a, b []engine.Alt) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].G != b[i].G || a[i].Case != b[i].Case {
			return false
		}
	}
	return true
}

func canGoOn(p *engine.Point) bool {
	for _, a := range p.Alts {
		if a.G == p.Last && a.G != engine.TimerG {
			return true
		}
	}
	return false
}

// Divergence says why the search could not follow its own prefix.
func (s *DFS) Divergence() string { return s.diverged }

// SetShard makes the search explore only its share of the schedules:
// those whose first splitDepth decisions hash to shard modulo shards. The
// shares of 0..shards-1 cover the whole search. With partial order
// reduction the first decisions then branch in full: a reduction finds
// what to explore at a decision in the runs below it, and those of other
// shards are not run here.
func (s *DFS) SetShard(shard, shards int) { s.shard, s.shards = shard, shards }

const splitDepth = 3

// Choose implements engine.Strategy.
func (s *DFS) Choose(p *engine.Point) int {
	i := s.choose(p)
	if s.shards > 1 && i >= 0 {
		if s.depth <= splitDepth {
			a := p.Alts[i]
			s.prefix = (s.prefix ^ uint64(a.G+2)<<8 ^ uint64(a.Case+2)) * 1099511628211
		}
		if s.depth == splitDepth && int(s.prefix%uint64(s.shards)) != s.shard {
			s.pruned++
			return engine.Prune // another shard's
		}
	}
	return i
}

func (s *DFS) choose(p *engine.Point) int {
	d := s.depth
	s.depth++
	if d < len(s.stack) {
		st := s.stack[d]
		if !sameAlts(st.alts, p.Alts) || st.last != p.Last {
			s.diverged = fmt.Sprintf("the search's decision %d met other alternatives than before", d+1)
			return -1
		}
		s.account(p, st.chosen)
		if s.por {
			s.sleep = append(s.sleep[:0], st.after...)
		}
		return st.chosen
	}
	st := &dstate{alts: append([]engine.Alt(nil), p.Alts...), last: p.Last, preBefore: s.pre}
	if s.por {
		st.backtrack = make([]bool, len(p.Alts))
		st.done = make([]bool, len(p.Alts))
		st.sleep = append([]engine.Alt(nil), s.sleep...)
		first := -1
		if c := engine.Continue(p); !asleep(st.sleep, p.Alts[c]) {
			first = c
		} else {
			for i, a := range p.Alts {
				if !asleep(st.sleep, a) {
					first = i
					break
				}
			}
		}
		if first < 0 {
			s.pruned++
			return engine.Prune // every alternative is asleep: nothing new below
		}
		st.mark(first)
		if s.shards > 1 && d < splitDepth {
			// Sharded: the first decisions branch in full, so that each
			// shard's subtrees are whole for the reduction below them.
			for j := range st.backtrack {
				st.backtrack[j] = true
			}
		}
		s.stack = append(s.stack, st)
		s.choosePOR(st, first)
		return first
	}
	st.order = s.orderICB(p)
	st.chosen, st.next = st.order[0], 1
	s.stack = append(s.stack, st)
	s.account(p, st.chosen)
	return st.chosen
}

// orderICB returns the alternatives allowed under the current level,
// the one without preemption first.
func (s *DFS) orderICB(p *engine.Point) []int {
	c := engine.Continue(p)
	order := []int{c}
	goOn := canGoOn(p)
	limit := s.level
	if s.bound < 0 {
		limit = -1
	}
	for i, a := range p.Alts {
		if i == c {
			continue
		}
		if goOn && a.G != p.Last && limit >= 0 && s.pre+1 > limit {
			continue
		}
		order = append(order, i)
	}
	return order
}

// account counts the preemption the choice makes.
func (s *DFS) account(p *engine.Point, i int) {
	if canGoOn(p) && p.Alts[i].G != p.Last {
		s.pre++
	}
}

func (s *DFS) choosePOR(st *dstate, i int) {
	st.chosen = i
	st.done[i] = true
	// What sleeps after this choice: what slept before, and the
	// alternatives already explored from here, if independent of it.
	var after []engine.Alt
	for _, t := range st.sleep {
		if !dependent(t, st.alts[i]) {
			after = append(after, t)
		}
	}
	for j, a := range st.alts {
		if j != i && st.done[j] && !dependent(a, st.alts[i]) && !asleep(after, a) {
			after = append(after, a)
		}
	}
	st.after = after
	s.sleep = append(s.sleep[:0], after...)
}

func asleep(z []engine.Alt, a engine.Alt) bool {
	for _, t := range z {
		if t.G == a.G && t.Case == a.Case {
			return true
		}
	}
	return false
}

// EndRun implements engine.Strategy.
func (s *DFS) EndRun(int, bool) {
	s.runs++
	owned := s.shards <= 1 || s.depth < splitDepth && s.shard == 0 || s.depth >= splitDepth && int(s.prefix%uint64(s.shards)) == s.shard
	if owned && (s.por || s.bound < 0 || s.pre == s.level) {
		s.counted++
	}
	// Drop what this run went through beyond the decisions it made (a
	// run that ended early), then find the deepest state with an
	// alternative left.
	s.stack = s.stack[:min(len(s.stack), s.depth)]
	for len(s.stack) > 0 {
		st := s.stack[len(s.stack)-1]
		if s.por {
			if i := s.nextPOR(st); i >= 0 {
				s.choosePOR(st, i)
				return
			}
		} else if st.next < len(st.order) {
			st.chosen = st.order[st.next]
			st.next++
			return
		}
		s.stack = s.stack[:len(s.stack)-1]
	}
	if !s.por && s.bound >= 0 && s.level < s.bound {
		s.level++ // the next pass: one preemption more
		return
	}
	if !s.por && s.bound < 0 {
		s.complete = true
		return
	}
	s.complete = true
}

// mark adds alternative i to the state's backtrack set, with the other
// cases of the same goroutine's select: which case a goroutine takes is a
// choice of its own, explored in full.
func (st *dstate) mark(i int) {
	for j, a := range st.alts {
		if a.G == st.alts[i].G {
			st.backtrack[j] = true
		}
	}
}

func (s *DFS) nextPOR(st *dstate) int {
	for i := range st.alts {
		if st.backtrack[i] && !st.done[i] && !asleep(st.sleep, st.alts[i]) {
			return i
		}
	}
	return -1
}
