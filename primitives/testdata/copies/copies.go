// Package copies copies each primitive by value, for the copylocks test in
// vet_test.go: go vet must report each line marked "copies T", and no
// other line.
package copies

import "github.com/interleave-go/interleave/primitives"

func use(any) {}

func Copies() {
	var l primitives.Lock
	l2 := l // copies Lock
	use(&l2)

	var rw primitives.RWLock
	rw2 := rw // copies RWLock
	use(&rw2)

	var e primitives.Event
	e2 := e // copies Event
	use(&e2)

	var s primitives.Semaphore
	s2 := s // copies Semaphore
	use(&s2)

	var b primitives.BoundedSemaphore
	b2 := b // copies BoundedSemaphore
	use(&b2)

	var c primitives.Condition
	c2 := c // copies Condition
	use(&c2)

	var q primitives.Queue[int]
	q2 := q // copies Queue[int]
	use(&q2)

	var br primitives.Barrier
	br2 := br // copies Barrier
	use(&br2)

	var lim primitives.Limiter
	lim2 := lim // copies Limiter
	use(&lim2)
}

// Fine shares the primitives by pointer: nothing to report.
func Fine() {
	l := new(primitives.Lock)
	l2 := l
	use(l2)
	q := primitives.NewQueue[int](0)
	q2 := q
	use(q2)
}
