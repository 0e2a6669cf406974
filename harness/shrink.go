package harness

import (
	"slices"
	"time"

	"github.com/interleave-go/interleave/harness/internal/engine"
	"github.com/interleave-go/interleave/harness/internal/strategy"
)

// A failing schedule is shrunk before it is reported, so that the trace a
// person reads is the simplest that still fails the same way. The schedule
// is rewritten as switches, each tied to the progress of the goroutine it
// interrupts (strategy.Switch), and switches are dropped one at a time,
// preemptions first, for as long as the run still fails with the same
// kind of failure: the result has no switch that the failure does not
// need, so no preemption the bug does not need.

// shrinkBudget bounds the runs and the time shrinking may take.
const (
	shrinkRuns = 3000
	shrinkTime = 3 * time.Second
)

type shrinkResult struct {
	decisions                     []engine.Decision
	fromSteps, fromPre, fromDraws int
	toSteps, toPre, toDraws       int
	runs                          int
}

// shrink minimizes the schedule of a failed run.
func (e *exploration) shrink(decisions []engine.Decision, params engine.RunParams, orig *engine.Failure) (out shrinkResult) {
	out = shrinkResult{decisions: decisions}
	same := func(f *engine.Failure) bool { return sameFailure(orig, f) }
	rec := strategy.NewRecorder(decisions)
	rec.BeginRun(0)
	res := e.runBody(rec, params)
	out.runs++
	if !same(res.Failure) {
		return out // the failure does not replay: report it as found
	}
	best := slices.Clone(rec.Switches)
	out.fromSteps, out.fromPre, out.fromDraws = res.Steps, len(res.Preempted), drawTotal(best)
	out.toSteps, out.toPre, out.toDraws = out.fromSteps, out.fromPre, out.fromDraws
	deadline := time.Now().Add(shrinkTime)
	spent := func() bool { return out.runs >= shrinkRuns || time.Now().After(deadline) }
	// try runs a candidate and keeps it if it fails the same way with no
	// more preemptions.
	try := func(cand []strategy.Switch) bool {
		s := strategy.NewSwitches(cand)
		s.BeginRun(0)
		r := e.runBody(s, params)
		out.runs++
		if !same(r.Failure) || len(r.Preempted) > out.toPre {
			return false
		}
		best = cand
		out.decisions = slices.Clone(r.Decisions)
		out.toSteps, out.toPre = r.Steps, len(r.Preempted)
		return true
	}
	e.dropSwitches(&best, try, spent)
	if out.toPre > 1 {
		// Removing switches cannot make a preemption the schedule never
		// had. Search for one directly: every schedule with fewer
		// preemptions, fewest first (iterative context bounding), within
		// what is left of the budget.
		icb := strategy.NewDFS(false, out.toPre-1)
		for !spent() && icb.BeginRun(0) {
			r := e.runBody(icb, params)
			out.runs++
			if same(r.Failure) && len(r.Preempted) < out.toPre {
				out.decisions = slices.Clone(r.Decisions)
				out.toSteps, out.toPre = r.Steps, len(r.Preempted)
				rec := strategy.NewRecorder(out.decisions)
				rec.BeginRun(0)
				e.runBody(rec, params)
				out.runs++
				best = slices.Clone(rec.Switches)
				break
			}
		}
	}
	// Draws of math/rand: the smallest value of each that still fails, as
	// a property-based test shrinks a number towards zero.
	for i := range best {
		if !best[i].Draw {
			continue
		}
		for v := 0; v < best[i].To.Case && !spent(); v++ {
			cand := slices.Clone(best)
			cand[i].To.Case = v
			if v == 0 {
				cand = slices.Delete(cand, i, i+1) // 0 is where a run goes by itself
			}
			if try(cand) {
				if v == 0 {
					return e.lowered(out, best)
				}
				break
			}
		}
	}
	return e.lowered(out, best)
}

// lowered records the draws of the shrunk schedule.
func (e *exploration) lowered(out shrinkResult, best []strategy.Switch) shrinkResult {
	out.toDraws = drawTotal(best)
	return out
}

// drawTotal adds up the values the switches draw.
func drawTotal(sw []strategy.Switch) int {
	n := 0
	for _, w := range sw {
		if w.Draw {
			n += w.To.Case
		}
	}
	return n
}

// dropSwitches removes the switches the failure does not need: most bugs
// need one preemption, so each alone is tried first; then delta debugging
// (Zeller's ddmin) drops ever smaller chunks of switches while the
// failure stays.
func (e *exploration) dropSwitches(best *[]strategy.Switch, try func([]strategy.Switch) bool, spent func() bool) {
	for _, i := range removalOrder(*best) {
		if spent() || !(*best)[i].Preempt {
			break
		}
		if try([]strategy.Switch{(*best)[i]}) {
			return
		}
	}
	for n := 2; len(*best) > 0 && !spent(); {
		n = min(n, len(*best))
		reduced := false
		for _, c := range chunks(len(*best), n) {
			cand := slices.Concat((*best)[:c[0]], (*best)[c[1]:])
			if try(cand) {
				n, reduced = max(n-1, 2), true
				break
			}
			if spent() {
				break
			}
		}
		if !reduced {
			if n >= len(*best) {
				break
			}
			n = min(2*n, len(*best))
		}
	}
}

// sameFailure reports whether f is the failure orig again: of its kind,
// and for a data race, between the same two places (another race is
// another bug).
func sameFailure(orig, f *engine.Failure) bool {
	if f == nil || f.Kind != orig.Kind {
		return false
	}
	if orig.Kind == engine.KindRace {
		if k := engine.RaceKey(orig.Details); k != "" {
			return engine.RaceKey(f.Details) == k
		}
	}
	return true
}

// chunks splits [0, n) into k ranges of (nearly) equal size.
func chunks(n, k int) [][2]int {
	var out [][2]int
	for i := range k {
		out = append(out, [2]int{i * n / k, (i + 1) * n / k})
	}
	return out
}

// removalOrder lists the switches to try removing: preemptions first,
// latest first (removing a late one disturbs least), then the others.
func removalOrder(sw []strategy.Switch) []int {
	var pre, other []int
	for i := len(sw) - 1; i >= 0; i-- {
		if sw[i].Preempt {
			pre = append(pre, i)
		} else {
			other = append(other, i)
		}
	}
	return append(pre, other...)
}
