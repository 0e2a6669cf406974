package a

import (
	"context"
	"sync"

	"github.com/interleave-go/interleave/primitives"
)

type queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
	pc    *primitives.Condition
	pl    *primitives.Lock
}

// Flagged: if instead of for.
func (q *queue) popIf() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		q.cond.Wait() // want `sync.Cond.Wait not in a loop that rechecks the condition: the condition may be false again when Wait returns`
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// Silent: the canonical loop.
func (q *queue) pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// Silent: infinite loop with a check after the wait.
func (q *queue) popBreak() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		if len(q.items) > 0 {
			break
		}
		q.cond.Wait()
	}
	return q.items[0]
}

// Flagged: straight-line wait.
func (q *queue) waitOnce() {
	q.cond.L.Lock()
	q.cond.Wait() // want `sync.Cond.Wait not in a loop`
	q.cond.L.Unlock()
}

// Flagged: wait after releasing the lock.
func (q *queue) waitUnlocked() {
	q.mu.Lock()
	n := len(q.items)
	q.mu.Unlock()
	for n == 0 {
		q.cond.Wait() // want `sync.Cond.Wait without holding the lock \(released at line 66\): Wait unlocks it, and unlocking an unlocked mutex is a fatal error`
		n = len(q.items)
	}
}

// Silent: the caller holds the lock.
func (q *queue) waitLocked() {
	for len(q.items) == 0 {
		q.cond.Wait()
	}
}

// Flagged: primitives.Condition outside a loop.
func (q *queue) primIf(ctx context.Context) error {
	if err := q.pl.Lock(ctx); err != nil {
		return err
	}
	defer q.pl.Unlock()
	if len(q.items) == 0 {
		return q.pc.Wait(ctx) // want `primitives.Condition.Wait not in a loop`
	}
	return nil
}

// Silent: primitives.Condition in a loop.
func (q *queue) primLoop(ctx context.Context) error {
	if err := q.pl.Lock(ctx); err != nil {
		return err
	}
	defer q.pl.Unlock()
	for len(q.items) == 0 {
		if err := q.pc.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Silent: WaitFor has the loop built in.
func (q *queue) primWaitFor(ctx context.Context) error {
	return q.pc.WaitFor(ctx, func() bool { return len(q.items) > 0 })
}

// Silent: goto loop that rechecks.
func (q *queue) gotoLoop() {
	q.mu.Lock()
again:
	if len(q.items) == 0 {
		q.cond.Wait()
		goto again
	}
	q.mu.Unlock()
}

// Flagged: goto that jumps past the wait without a loop.
func (q *queue) gotoNoLoop() {
	q.mu.Lock()
	if len(q.items) > 0 {
		goto done
	}
	q.cond.Wait() // want `sync.Cond.Wait not in a loop`
done:
	q.mu.Unlock()
}

// Generic: flagged.
type slot[T any] struct {
	mu   sync.Mutex
	c    sync.Cond
	v    T
	full bool
}

func (s *slot[T]) take() T {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.full {
		s.c.Wait() // want `sync.Cond.Wait not in a loop`
	}
	s.full = false
	return s.v
}

// Silent: generic, in a loop.
func (s *slot[T]) takeLoop() T {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.full {
		s.c.Wait()
	}
	s.full = false
	return s.v
}

// Embedded mutex and closure: flagged wait in a literal.
type gate struct {
	sync.Mutex
	c    *sync.Cond
	open bool
}

func (g *gate) waiter() func() {
	return func() {
		g.Lock()
		if !g.open {
			g.c.Wait() // want `sync.Cond.Wait not in a loop`
		}
		g.Unlock()
	}
}

// Silent: embedded mutex, loop in a literal.
func (g *gate) waiterOK() func() {
	return func() {
		g.Lock()
		for !g.open {
			g.c.Wait()
		}
		g.Unlock()
	}
}

// Flagged: wait after the lock was released in a loop body.
func (g *gate) unlockedLoop() {
	g.Lock()
	for !g.open {
		g.Unlock()
		g.c.Wait() // want `sync.Cond.Wait without holding the lock`
		g.Lock()
	}
	g.Unlock()
}

// Silent: directive.
func (g *gate) ignored() {
	g.Lock()
	g.c.Wait() //interleavevet:ignore condloop woken once by design
	g.Unlock()
}

// Silent: a wrapper leaves the loop to its caller.
func wait(c *sync.Cond) {
	c.Wait()
}

// Silent: a deferred unlock per iteration, and the wait still rechecks.
func (g *gate) deferLoop(items []int) {
	for range items {
		func() {
			g.Lock()
			defer g.Unlock()
			for !g.open {
				g.c.Wait()
			}
		}()
	}
}

// Flagged: deferred unlocks in a loop, and a wait under an if.
func (g *gate) deferLoopIf(items []int) {
	for range items {
		g.Lock()
		defer g.Unlock()
	}
	if !g.open {
		g.c.Wait() // want `sync.Cond.Wait not in a loop`
	}
}
