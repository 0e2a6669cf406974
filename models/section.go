package models

import (
	"fmt"
	"strings"
	"sync"

	"github.com/interleave-go/interleave/harness"
)

// A Section is a monitor of a critical section: goroutines call Enter when
// they have got in and Exit before they leave, and the run fails with kind
// invariant the moment more goroutines are inside than the section admits.
// MutualExclusion admits one, Bounded(n) admits n.
//
// A Section is safe for concurrent use, inside a run or outside one.
type Section struct {
	t    *harness.T
	name string // the property, as reports name it
	max  int

	mu     sync.Mutex
	inside []int // goroutines inside, in order of entry
}

// MutualExclusion returns a monitor of a section that at most one
// goroutine may be inside at a time, as a lock promises.
//
//	ok := m.Lock(ctx) == nil
//	me.Enter()
//	... the critical section ...
//	me.Exit()
//	m.Unlock()
func MutualExclusion(t *harness.T) *Section {
	return &Section{t: t, name: "mutual exclusion", max: 1}
}

// Bounded returns a monitor of a section that at most n goroutines may be
// inside at a time, as a semaphore of n permits promises. It panics if n
// is less than 1.
func Bounded(t *harness.T, n int) *Section {
	if n < 1 {
		panic("models: Bounded with fewer than 1 goroutine")
	}
	return &Section{t: t, name: fmt.Sprintf("bounded(%d)", n), max: n}
}

// Enter records that the calling goroutine is inside. If the section was
// full already, the run fails with a message naming the goroutines inside,
// and the calling goroutine ends.
func (s *Section) Enter() {
	g := harness.Goroutine()
	s.mu.Lock()
	if len(s.inside) >= s.max {
		others := goroutines(s.inside)
		s.mu.Unlock()
		verb := "was"
		if len(s.inside) > 1 {
			verb = "were"
		}
		// Invariantf ends the goroutine: the mutex must not be held.
		s.t.Invariantf("%s: %s entered while %s %s inside", s.name, gname(g), others, verb)
		return
	}
	s.inside = append(s.inside, g)
	s.mu.Unlock()
}

// Exit records that a goroutine left. It is the calling goroutine if it is
// inside, or else the one that entered first: a lock may be unlocked by
// another goroutine than the one that locked it. Exit panics if nobody is
// inside.
func (s *Section) Exit() {
	g := harness.Goroutine()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.inside) == 0 {
		panic("models: Section.Exit with nobody inside")
	}
	i := 0
	for j, h := range s.inside {
		if h == g {
			i = j
			break
		}
	}
	s.inside = append(s.inside[:i], s.inside[i+1:]...)
}

// gname names a goroutine as reports do.
func gname(g int) string {
	if g < 0 {
		return "a goroutine outside the run"
	}
	return fmt.Sprintf("g%d", g)
}

// goroutines names goroutines as a list: "g1", "g1 and g2", "g1, g2 and
// g3".
func goroutines(gs []int) string {
	names := make([]string, len(gs))
	for i, g := range gs {
		names[i] = gname(g)
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
