package harness

import (
	"slices"
	"testing"
	"time"

	"github.com/interleave-go/interleave/harness/internal/engine"
	"github.com/interleave-go/interleave/harness/internal/strategy"
	"github.com/interleave-go/interleave/harness/internal/token"
)

// Fuzz makes a native fuzz target whose input is a schedule: every input
// runs body once, each of its bytes deciding one scheduling choice (which
// goroutine goes next, which ready select case, whether a timer fires)
// modulo the number of alternatives, and the run continuing without
// preemption when the bytes run out. go test -fuzz=FuzzX then explores
// schedules guided by the coverage of the code under test; an input that
// fails is saved by go test as usual (testdata/fuzz/FuzzX/...) and replays
// with go test -run=FuzzX/<name>. The report of a failure also has a
// replay line, with the schedule shrunk.
//
//	func FuzzTransfer(f *testing.F) {
//		harness.Fuzz(f, func(t *harness.T) { ... })
//	}
//
// Options apply as in Explore; Runs, Time and Strategy do not apply (each
// input is one run) and are an error.
func Fuzz(f *testing.F, body func(t *T), opts ...Option) {
	f.Helper()
	for _, o := range opts {
		probe := defaultConfig()
		if err := o.apply(&probe); err != nil {
			f.Fatalf("interleave: %v", err)
		}
		if probe.runs != defaultConfig().runs || probe.time != defaultConfig().time || probe.strategy.String() != defaultConfig().strategy.String() {
			f.Fatalf("interleave: Runs, Time and Strategy do not apply to Fuzz: each fuzz input is one run")
		}
	}
	f.Add([]byte{}) // the schedule without preemption
	f.Fuzz(func(t *testing.T, schedule []byte) {
		t.Helper()
		e := newExploration(t, opts)
		if e == nil {
			return
		}
		defer e.close()
		e.epoch = fuzzEpoch // a saved input must replay the same run
		e.runBody = func(s engine.Strategy, p engine.RunParams) *engine.Result {
			return e.runT(s, p, t.Name(), body)
		}
		if tok := replayToken(e.cfg.replay); tok != "" {
			e.replay(tok)
			return
		}
		s := strategy.NewBytes(schedule)
		s.BeginRun(0)
		params := engine.RunParams{Seed: e.runSeed(0), Epoch: e.epoch}
		if res := e.runBody(s, params); res.Failure != nil {
			e.report(res, params, "a fuzz input")
		}
	})
}

// fuzzEpoch is where the virtual clock of fuzz inputs starts.
var fuzzEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// An Outcome is what one run under a given schedule did.
type Outcome struct {
	Failed  bool
	Kind    string // the kind of failure: panic, assertion, deadlock...
	Message string // its one-line message
	Token   string // replays the run: harness.Replay(Token), -interleave.replay
	Steps   int    // the run's length in steps
}

// RunSchedule runs body once, its decisions drawn from schedule as
// harness.Fuzz draws them from a fuzz input (each decision takes bytes of
// the schedule; once they are spent, goroutines run without preemption),
// and reports what the run did without failing t. Property-based testing
// libraries generate and shrink schedules through it (package
// harness/property does, with gopter). t names the test for the token and
// reports bad options.
func RunSchedule(t testing.TB, schedule []byte, body func(t *T), opts ...Option) Outcome {
	t.Helper()
	e := newExploration(t, opts)
	if e == nil {
		return Outcome{}
	}
	defer e.close()
	e.epoch = fuzzEpoch
	s := strategy.NewBytes(schedule)
	s.BeginRun(0)
	params := engine.RunParams{Seed: e.runSeed(0), Epoch: e.epoch}
	res := e.runT(s, params, t.Name(), body)
	out := Outcome{Steps: res.Steps}
	if f := res.Failure; f != nil {
		sched := e.schedule(params, slices.Clone(res.Decisions))
		out.Failed, out.Kind, out.Message, out.Token = true, string(f.Kind), f.Message, token.Encode(sched)
	}
	return out
}
