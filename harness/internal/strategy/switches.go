package strategy

import "github.com/interleave-go/interleave/harness/internal/engine"

// A Switch is a decision tied to a goroutine's progress rather than to a
// run's step: when goroutine After has made Count transitions and has just
// run (whether it could go on or not), take To. A schedule written as
// switches survives the removal of one of them: the others still happen
// at the same places in their goroutines, which is what shrinking needs.
// Where no switch applies, the schedule continues without preemption
// (engine.Continue).
type Switch struct {
	After   int
	Count   int
	To      engine.Decision
	Preempt bool // After could have gone on: the switch is a preemption
	Draw    bool // a draw of math/rand: To.Case is the value drawn
}

type switchKey struct{ g, n int }

// Switches runs a schedule given as switches.
type Switches struct {
	at    map[switchKey]engine.Decision
	count map[int]int
}

// NewSwitches returns a strategy that follows sw.
func NewSwitches(sw []Switch) *Switches {
	s := &Switches{at: make(map[switchKey]engine.Decision, len(sw)), count: make(map[int]int)}
	for _, w := range sw {
		s.at[switchKey{w.After, w.Count}] = w.To
	}
	return s
}

// Name implements engine.Strategy.
func (s *Switches) Name() string { return "switches" }

// BeginRun implements engine.Strategy.
func (s *Switches) BeginRun(int) bool {
	clear(s.count)
	return true
}

// Choose implements engine.Strategy.
func (s *Switches) Choose(p *engine.Point) int {
	if d, ok := s.at[switchKey{p.Last, s.count[p.Last]}]; ok {
		for i, a := range p.Alts {
			if a.G == d.G && a.Case == d.Case {
				return i
			}
		}
	}
	return engine.Continue(p)
}

// Taken implements engine.Observer.
func (s *Switches) Taken(p *engine.Point, chosen, _ int) { s.count[p.Alts[chosen].G]++ }

// EndRun implements engine.Strategy.
func (s *Switches) EndRun(int, bool) {}

// Recorder replays decisions and writes down the switches they make: the
// choices that differ from engine.Continue's.
type Recorder struct {
	replay   *Replay
	count    map[int]int
	Switches []Switch
}

// NewRecorder returns a strategy that replays decisions and records them
// as switches.
func NewRecorder(decisions []engine.Decision) *Recorder {
	return &Recorder{replay: NewLenientReplay(decisions), count: make(map[int]int)}
}

// Name implements engine.Strategy.
func (s *Recorder) Name() string { return "record" }

// BeginRun implements engine.Strategy.
func (s *Recorder) BeginRun(run int) bool {
	clear(s.count)
	s.Switches = s.Switches[:0]
	return s.replay.BeginRun(run)
}

// Choose implements engine.Strategy.
func (s *Recorder) Choose(p *engine.Point) int {
	i := s.replay.Choose(p)
	if i >= 0 && i != engine.Continue(p) {
		a := p.Alts[i]
		canGoOn := false
		for _, b := range p.Alts {
			canGoOn = canGoOn || b.G == p.Last && p.Last != engine.TimerG
		}
		s.Switches = append(s.Switches, Switch{After: p.Last, Count: s.count[p.Last],
			To: engine.Decision{G: a.G, Case: a.Case}, Preempt: canGoOn && a.G != p.Last, Draw: a.Kind == engine.KRand})
	}
	return i
}

// Taken implements engine.Observer.
func (s *Recorder) Taken(p *engine.Point, chosen, _ int) { s.count[p.Alts[chosen].G]++ }

// EndRun implements engine.Strategy.
func (s *Recorder) EndRun(int, bool) {}
