package strategy

import (
	"fmt"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// Replay follows recorded decisions, then continues without preemption
// (engine.Continue) once they are spent.
type Replay struct {
	decisions []engine.Decision
	next      int
	diverged  int // 1 + the index of the decision that could not be followed
	lenient   bool
}

// NewLenientReplay returns a replay that takes a decision it cannot follow
// as engine.Continue's choice instead of failing: shrinking edits
// schedules and lets the run make what it can of them. engine.Decision{G:
// Skip} asks for Continue's choice outright.
func NewLenientReplay(decisions []engine.Decision) *Replay {
	return &Replay{decisions: decisions, lenient: true}
}

// Skip marks a decision that a lenient replay replaces with Continue's
// choice.
const Skip = -2

// NewReplay returns a strategy that replays decisions.
func NewReplay(decisions []engine.Decision) *Replay { return &Replay{decisions: decisions} }

// Name implements engine.Strategy.
func (s *Replay) Name() string { return "replay" }

// BeginRun implements engine.Strategy.
func (s *Replay) BeginRun(int) bool {
	s.next, s.diverged = 0, 0
	return true
}

// Choose implements engine.Strategy.
func (s *Replay) Choose(p *engine.Point) int {
	if s.next >= len(s.decisions) {
		return engine.Continue(p)
	}
	d := s.decisions[s.next]
	s.next++
	for i, a := range p.Alts {
		if a.G == d.G && a.Case == d.Case {
			return i
		}
	}
	if s.lenient {
		return engine.Continue(p)
	}
	s.diverged = s.next
	return -1
}

// Divergence says which recorded decision could not be followed.
func (s *Replay) Divergence() string {
	if s.diverged == 0 {
		return ""
	}
	d := s.decisions[s.diverged-1]
	if d.Case >= 0 {
		return fmt.Sprintf("decision %d of the token is g%d/case%d", s.diverged, d.G, d.Case)
	}
	return fmt.Sprintf("decision %d of the token is g%d", s.diverged, d.G)
}

// Consumed reports how many recorded decisions the last run used.
func (s *Replay) Consumed() int { return s.next }

// EndRun implements engine.Strategy.
func (s *Replay) EndRun(int, bool) {}
