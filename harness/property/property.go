// Package property explores schedules with gopter, the property-based
// testing library: a schedule is a generated value like any other, so
// gopter draws schedules at random, and when one fails it shrinks it
// (fewer bytes, smaller bytes: fewer decisions, fewer preemptions) to the
// smallest failing schedule it can find, which is then reported with its
// trace and replay line.
//
//	func TestTransfer(t *testing.T) {
//		property.Check(t, func(t *harness.T) { ... the concurrent program ... })
//	}
//
// Schedules composes with other generators: gen a program and its
// schedule together, and the two shrink together (see the example test).
package property

import (
	"fmt"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/interleave-go/interleave/harness"
)

// Schedules generates schedules of up to max decisions: each byte is one
// decision, 0 meaning "the goroutine that ran goes on" and b > 0 "switch to
// the b-th other goroutine that can run" (modulo their number). Decisions
// past the end of a schedule preempt nothing. Schedules shrink by dropping
// bytes and by lowering them towards 0, so that a shrunk schedule has few
// preemptions.
func Schedules(max int) gopter.Gen {
	return gen.SliceOf(gen.UInt8Range(0, 7)).
		SuchThat(func(b []byte) bool { return len(b) <= max }).WithShrinker(shrinkSchedule)
}

// shrinkSchedule shrinks a schedule: shorter first (a prefix, then without
// one byte), then each byte towards zero.
func shrinkSchedule(v any) gopter.Shrink {
	s := v.([]byte)
	var cands [][]byte
	for n := len(s) / 2; n < len(s); n += max((len(s)-n)/2, 1) {
		cands = append(cands, append([]byte(nil), s[:n]...))
	}
	for i := range s {
		cands = append(cands, append(append([]byte(nil), s[:i]...), s[i+1:]...))
	}
	for i, b := range s {
		if b > 0 {
			c := append([]byte(nil), s...)
			c[i] = 0
			cands = append(cands, c)
			if b > 1 {
				c := append([]byte(nil), s...)
				c[i] = b / 2
				cands = append(cands, c)
			}
		}
	}
	i := 0
	return func() (any, bool) {
		if i >= len(cands) {
			return nil, false
		}
		i++
		return cands[i-1], true
	}
}

// Config is what Check runs.
type Config struct {
	Tests     int   // schedules to try (default 500)
	MaxLength int   // decisions per schedule (default 64)
	Seed      int64 // gopter's seed (default 1)
	Options   []harness.Option
}

// Check runs body under schedules gopter generates; the first that fails
// is shrunk by gopter and reported through t, with its trace and replay
// line, as harness.Explore reports a failure.
func Check(t *testing.T, body func(t *harness.T), cfg ...Config) {
	t.Helper()
	c := Config{Tests: 500, MaxLength: 64, Seed: 1}
	if len(cfg) > 0 {
		c = cfg[0]
		if c.Tests <= 0 {
			c.Tests = 500
		}
		if c.MaxLength <= 0 {
			c.MaxLength = 64
		}
	}
	res, shrunk := Find(t, body, c)
	if shrunk == nil {
		if !res.Passed() {
			t.Fatalf("interleave: gopter: %s: %v", res.Status, res.Error)
		}
		return
	}
	t.Logf("interleave: gopter falsified the schedule property after %d passed tests; the schedule shrank from %d to %d decisions (%d shrinks)",
		res.Succeeded, len(shrunk.Orig), len(shrunk.Schedule), shrunk.Shrinks)
	// The shrunk schedule, replayed, with the harness's report.
	harness.Explore(t, body, append(c.Options, harness.Replay(shrunk.Outcome.Token))...)
}

// A Shrunk is the smallest failing schedule gopter found.
type Shrunk struct {
	Schedule, Orig []byte
	Shrinks        int
	Outcome        harness.Outcome
}

// Find is Check without reporting: it returns gopter's result and, when a
// schedule failed, the shrunk one and what it did.
func Find(t testing.TB, body func(t *harness.T), c Config) (*gopter.TestResult, *Shrunk) {
	t.Helper()
	params := gopter.DefaultTestParametersWithSeed(c.Seed)
	params.MinSuccessfulTests = c.Tests
	params.MaxSize = c.MaxLength + 1
	property := prop.ForAll(func(s []byte) string {
		if out := harness.RunSchedule(t, s, body, c.Options...); out.Failed {
			return fmt.Sprintf("%s: %s", out.Kind, out.Message)
		}
		return ""
	}, Schedules(c.MaxLength))
	res := property.Check(params)
	if res.Status != gopter.TestFailed || len(res.Args) == 0 {
		return res, nil
	}
	arg := res.Args[0]
	s, _ := arg.Arg.([]byte)
	orig, _ := arg.OrigArg.([]byte)
	return res, &Shrunk{Schedule: s, Orig: orig, Shrinks: arg.Shrinks, Outcome: harness.RunSchedule(t, s, body, c.Options...)}
}
