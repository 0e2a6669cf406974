package models

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/interleave-go/interleave/harness"
)

// A Permits is a monitor of conservation: the permits (or items, or
// tokens) that goroutines hold plus those available add up to the
// initial count, so none is lost and none is made up. The test reports
// each successful acquire and each release; when the run is over, with
// every goroutine stopped, the monitor reads the count available and
// compares.
//
//	p := models.NoLostPermit(t, 2, func() int { return int(sem.Value()) })
//	if sem.TryAcquire(1) {
//		p.Acquired(1)
//		...
//		sem.Release(1)
//		p.Released(1)
//	}
//
// The check is made at quiescence only, so whether a goroutine reports
// just before or just after the operation does not matter.
//
// A Permits is safe for concurrent use, inside a run or outside one.
type Permits struct {
	initial   int
	available func() int

	mu       sync.Mutex
	held     int
	acquired map[int]int // by goroutine
	released map[int]int
}

// NoLostPermit returns a monitor of conservation for a resource of
// initial permits whose count available, at the end of the run, available
// returns. The check runs when the run is over (t.Verify), outside it.
func NoLostPermit(t *harness.T, initial int, available func() int) *Permits {
	p := &Permits{initial: initial, available: available, acquired: map[int]int{}, released: map[int]int{}}
	t.Verify(p.Check)
	return p
}

// Acquired records that the calling goroutine took n permits.
func (p *Permits) Acquired(n int) {
	g := harness.Goroutine()
	p.mu.Lock()
	p.held += n
	p.acquired[g] += n
	p.mu.Unlock()
}

// Released records that the calling goroutine gave n permits back.
func (p *Permits) Released(n int) {
	g := harness.Goroutine()
	p.mu.Lock()
	p.held -= n
	p.released[g] += n
	p.mu.Unlock()
}

// Check returns an error if the permits held and available do not add up
// to the initial count. NoLostPermit registers it to run when the run is
// over; it must only be called when no goroutine is acquiring or
// releasing.
func (p *Permits) Check() error {
	avail := p.available()
	p.mu.Lock()
	defer p.mu.Unlock()
	total := avail + p.held
	if total == p.initial {
		return nil
	}
	what := fmt.Sprintf("%s lost", plural(p.initial-total, "permit"))
	if total > p.initial {
		what = fmt.Sprintf("%s made up", plural(total-p.initial, "permit"))
	}
	return fmt.Errorf("no lost permit: %d available + %d held = %d at the end of the run, want %d as at the start: %s (%s)",
		avail, p.held, total, p.initial, what, p.history())
}

// history says which goroutine acquired and released how many permits.
// p.mu must be held.
func (p *Permits) history() string {
	var gs []int
	for g := range p.acquired {
		gs = append(gs, g)
	}
	for g := range p.released {
		if _, ok := p.acquired[g]; !ok {
			gs = append(gs, g)
		}
	}
	if len(gs) == 0 {
		return "no goroutine acquired or released any"
	}
	slices.Sort(gs)
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = fmt.Sprintf("%s acquired %d, released %d", gname(g), p.acquired[g], p.released[g])
	}
	return strings.Join(parts, "; ")
}

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return fmt.Sprintf("%d %ss", n, s)
}
