//go:build interleave_checkready

package engine

import (
	"fmt"
	"math"
	"slices"
)

// checkReadiness, under the build tag interleave_checkready, compares at
// every step the alternatives the engine keeps up to date with those a
// check of every goroutine finds: go test -tags interleave_checkready.
const checkReadiness = true

func (r *Run) crossCheck() {
	var want []Alt
	ready := int64(math.MaxInt64)
	for _, g := range r.live {
		if g.state != gParked {
			continue
		}
		n := len(want)
		want = r.altsOf(want, g, true)
		if len(want) > n {
			ra := g.readyAt
			if g.grp != nil {
				ra = max(g.grp.gsince, g.joined)
			}
			if ra < 0 {
				ra = r.clock
			}
			ready = min(ready, ra+r.allowance(g))
		}
	}
	saved := r.alts
	r.alts = nil
	r.materialize()
	got := r.alts
	r.alts = saved
	if r.timerOn {
		got = got[:len(got)-1]
	}
	key := func(a Alt) string { return fmt.Sprintf("g%d/%d/%v", a.G, a.Case, a.Kind) }
	var ws, gs []string
	for _, a := range want {
		ws = append(ws, key(a))
	}
	for _, a := range got {
		gs = append(gs, key(a))
	}
	if !slices.Equal(ws, gs) {
		panic(fmt.Sprintf("interleave: readiness at step %d: kept %v, found %v", r.nsteps, gs, ws))
	}
	if n := len(r.rd.ind) + r.rd.ngrp; n != len(want) {
		panic(fmt.Sprintf("interleave: readiness at step %d: counted %d, found %d", r.nsteps, n, len(want)))
	}
	if r.latency <= 0 && len(r.live) > 0 {
		if t := r.nextTimer(); t != nil && !r.pastGrace(t) {
			on := t.when <= r.clock || ready == math.MaxInt64 || t.when < ready
			if on != r.timerOn {
				panic(fmt.Sprintf("interleave: readiness at step %d: timer offered %v, found %v (ready %d, clock %d, when %d)", r.nsteps, r.timerOn, on, ready, r.clock, t.when))
			}
		}
	}
}
