package primitives

import (
	"context"
	"sync"
)

// Condition is a condition variable over a Lock, as Python's
// asyncio.Condition: goroutines holding L wait in Wait for another to call
// Notify or NotifyAll, also holding L. Notify wakes the goroutines that
// have waited longest; once woken, they re-lock L in whatever order they
// get to it.
//
// A Condition needs its L: create it with NewCondition(l), or as
// Condition{L: l}. A Condition must not be copied after first use.
type Condition struct {
	_ noCopy

	// L is held while checking or changing the condition, and must be held
	// when calling Wait, WaitFor, Notify and NotifyAll.
	L *Lock

	mu      sync.Mutex // guards waiters; never held while waiting for L
	waiters waitList[struct{}]
}

// NewCondition returns a Condition over l, or over a new Lock if l is nil.
func NewCondition(l *Lock) *Condition {
	if l == nil {
		l = new(Lock)
	}
	return &Condition{L: l}
}

// Wait unlocks c.L, waits until a Notify or NotifyAll wakes the caller or
// ctx is done, and locks c.L again before returning, in every case: like
// asyncio's, it returns holding the lock even when it fails. It returns nil
// if the caller was notified, or ctx.Err(). A notification that arrives at
// the moment ctx is done is kept: Wait returns nil, so that it is not lost.
// If ctx is done before the call, Wait returns ctx.Err() without unlocking.
//
// The caller must hold c.L; Wait panics if c.L is not locked. As with
// sync.Cond, a wake-up does not mean the condition holds: check it in a
// loop, or use WaitFor.
func (c *Condition) Wait(ctx context.Context) error {
	if !c.L.Locked() {
		panic("primitives: Condition.Wait without holding its Lock")
	}
	done := ctx.Done()
	if ctxDone(done) {
		return ctx.Err()
	}
	w := newWaiter(struct{}{})
	c.mu.Lock()
	c.waiters.pushBack(w)
	c.mu.Unlock()
	c.L.Unlock()

	var err error
	select {
	case <-w.ready:
	case <-done:
		c.mu.Lock()
		if !w.granted() {
			c.waiters.remove(w)
			err = ctx.Err()
		}
		c.mu.Unlock()
	}
	// Not cancellable: the caller expects to hold L when Wait returns,
	// whatever happened while it waited.
	_ = c.L.Lock(context.WithoutCancel(ctx))
	return err
}

// WaitFor waits, as Wait, until cond returns true, and returns nil, or until
// ctx is done and returns ctx.Err(). It calls cond first, with c.L held, and
// again after each wake-up; it returns holding c.L in every case.
func (c *Condition) WaitFor(ctx context.Context, cond func() bool) error {
	for !cond() {
		if err := c.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Notify wakes up to n goroutines waiting on c, those that have waited
// longest. The
// caller must hold c.L; Notify panics if c.L is not locked, or if n is
// negative.
func (c *Condition) Notify(n int) {
	if n < 0 {
		panic("primitives: Condition.Notify with a negative count")
	}
	if !c.L.Locked() {
		panic("primitives: Condition.Notify without holding its Lock")
	}
	c.mu.Lock()
	c.notifyLocked(n)
	c.mu.Unlock()
}

// NotifyAll wakes every goroutine waiting on c. The caller must hold c.L;
// NotifyAll panics if c.L is not locked.
func (c *Condition) NotifyAll() {
	if !c.L.Locked() {
		panic("primitives: Condition.NotifyAll without holding its Lock")
	}
	c.mu.Lock()
	c.notifyLocked(c.waiters.len())
	c.mu.Unlock()
}

func (c *Condition) notifyLocked(n int) {
	for ; n > 0 && c.waiters.len() > 0; n-- {
		close(c.waiters.popFront().ready)
	}
}
