package report

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/interleave-go/interleave/harness/internal/engine"
	"github.com/interleave-go/interleave/harness/internal/flight"
	"github.com/interleave-go/interleave/harness/internal/token"
)

// A Crash is an exploration that a test binary did not finish: the
// process died while it ran (a fatal error of the Go runtime, go test's
// timeout, a signal). Test binaries given -interleave.flight=DIR keep
// their exploration in progress in DIR; Crashes reads what the dead ones
// left.
type Crash struct {
	Test  string
	Run   int    // the run in progress, from 0
	InRun bool   // the process died during a run, not between two
	Line  string // the replay line of the run in progress ("" between runs)
	Cut   bool   // the run made more decisions than the record holds: the line replays its start
}

// Crashes returns the explorations left unfinished in dir, by test name.
func Crashes(dir string) []Crash {
	paths, _ := filepath.Glob(filepath.Join(dir, "*.flight"))
	var out []Crash
	for _, p := range paths {
		rec, err := flight.Read(p)
		if err != nil || rec.State == flight.Idle {
			continue
		}
		c := Crash{Test: rec.Test, Run: rec.Run, InRun: rec.State == flight.Running, Cut: rec.Overflow}
		if c.InRun {
			s := token.Schedule{Test: token.TestHash(rec.Test), Seed: rec.Seed, Epoch: rec.Epoch,
				Latency: rec.Latency, MaxSteps: rec.MaxSteps, Window: rec.Window}
			for _, d := range rec.Decisions {
				s.Decisions = append(s.Decisions, engine.Decision{G: d[0], Case: d[1]})
			}
			c.Line = strings.Replace(rec.Line, flight.TokenMark, token.Encode(s), 1)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Test < out[j].Test })
	return out
}
