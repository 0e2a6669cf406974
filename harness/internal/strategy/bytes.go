package strategy

import "github.com/interleave-go/interleave/harness/internal/engine"

// Bytes takes its decisions from a fuzz input: each decision reads one
// byte b and takes the alternative b places after the one that goes on
// without preemption, modulo their number, so that a mutation of one byte
// changes one decision and zero bytes preempt nothing. When the bytes run out the
// run continues without preemption (engine.Continue). Go's coverage-guided
// fuzzing then steers the schedules towards new code.
type Bytes struct {
	data []byte
	next int
}

// NewBytes returns a strategy reading data.
func NewBytes(data []byte) *Bytes { return &Bytes{data: data} }

// Name implements engine.Strategy.
func (s *Bytes) Name() string { return "fuzz input" }

// BeginRun implements engine.Strategy.
func (s *Bytes) BeginRun(int) bool {
	s.next = 0
	return true
}

// Choose implements engine.Strategy.
func (s *Bytes) Choose(p *engine.Point) int {
	if s.next >= len(s.data) {
		return engine.Continue(p)
	}
	b := s.data[s.next]
	s.next++
	// 0 goes on without preemption, and small bytes stay near it, so
	// that shrinking a schedule's bytes towards zero removes switches.
	return (engine.Continue(p) + int(b)) % len(p.Alts)
}

// EndRun implements engine.Strategy.
func (s *Bytes) EndRun(int, bool) {}
