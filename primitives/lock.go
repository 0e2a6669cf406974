package primitives

import (
	"context"
	"sync"
	"sync/atomic"
)

// Lock states, in Lock.state.
const (
	lockHeld    int32 = 1 << iota // someone holds the Lock
	lockWaiters                   // the waiter list is not empty
)

// Lock is a mutual exclusion lock whose Lock call takes a context and whose
// waiters are served first come, first served: Unlock hands the Lock
// directly to the longest waiting goroutine, so a goroutine that arrives
// later, or calls TryLock, never overtakes one that is waiting.
//
// The zero value is an unlocked Lock. A Lock must not be copied after first
// use. A Lock is not tied to a goroutine: one goroutine may lock it and
// another unlock it.
type Lock struct {
	_ noCopy

	// state holds lockHeld and lockWaiters. It is the one word in this
	// package read and written with sync/atomic, and only so that the
	// uncontended Lock and Unlock cost one compare-and-swap each: kept
	// behind mu, as everything else is, a Lock/Unlock pair costs two
	// mutex pairs and measured 2.3 times sync.Mutex (the target is
	// 1.5 times; see BENCHMARKS.md). Only the two fast paths touch state
	// without mu, each with a single compare-and-swap that either succeeds
	// or sends the caller to the slow path; every change to lockWaiters
	// and every hand-off happens with mu held. No loop waits on state.
	state atomic.Int32

	mu      sync.Mutex // guards waiters and the lockWaiters bit
	waiters waitList[struct{}]
}

// Lock locks l, waiting if it is held until it is handed over or ctx is
// done. It returns nil once l is held by the caller, or ctx.Err() with l
// unchanged. If ctx is done before the call, Lock fails even if l is free.
// If the Lock is handed over at the moment ctx is done, the caller keeps it
// and Lock returns nil: the hand-off is never lost.
func (l *Lock) Lock(ctx context.Context) error {
	// The fast path: a context that can never be done (Background, TODO,
	// WithoutCancel) has a nil Done channel, and then a free Lock costs one
	// interface call and one compare-and-swap. Other contexts are looked at
	// first in lockSlow, so that a done one fails even on a free Lock.
	done := ctx.Done()
	if done == nil && l.state.CompareAndSwap(0, lockHeld) {
		return nil
	}
	return l.lockSlow(ctx, done)
}

func (l *Lock) lockSlow(ctx context.Context, done <-chan struct{}) error {
	if ctxDone(done) {
		return ctx.Err()
	}
	if l.state.CompareAndSwap(0, lockHeld) {
		return nil
	}
	l.mu.Lock()
	// Announce the waiter before looking at lockHeld: from here on a fast
	// Unlock cannot release the Lock without coming through mu and seeing
	// the list, and a fast Lock or TryLock cannot barge in (they only swap
	// from 0).
	if old := l.state.Or(lockWaiters); old == 0 {
		// Free with nobody waiting: take it. Nobody else can change state
		// now, because both fast paths need state to be exactly 0 or
		// lockHeld, and everything else needs mu.
		l.state.Store(lockHeld)
		l.mu.Unlock()
		return nil
	}
	w := newWaiter(struct{}{})
	l.waiters.pushBack(w)
	l.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-done:
		l.mu.Lock()
		defer l.mu.Unlock()
		if w.granted() {
			// Unlock handed l to us as ctx was cancelled: keep it rather
			// than hand it on, so the caller sees success and l was never
			// free in between.
			return nil
		}
		l.waiters.remove(w)
		if l.waiters.len() == 0 {
			l.state.And(^lockWaiters)
		}
		return ctx.Err()
	}
}

// TryLock locks l if it is free and nobody is waiting for it, and reports
// whether it did. It never waits.
func (l *Lock) TryLock() bool {
	return l.state.CompareAndSwap(0, lockHeld)
}

// Unlock unlocks l, handing it to the longest waiting goroutine if there is
// one. Unlock of an unlocked Lock panics.
func (l *Lock) Unlock() {
	if l.state.CompareAndSwap(lockHeld, 0) {
		return
	}
	l.unlockSlow()
}

func (l *Lock) unlockSlow() {
	l.mu.Lock()
	if l.state.Load()&lockHeld == 0 {
		l.mu.Unlock()
		panic("primitives: unlock of unlocked Lock")
	}
	l.handOffLocked()
	l.mu.Unlock()
}

// handOffLocked passes the held Lock to the first waiter, or frees it if
// the waiters all left. l.mu must be held.
func (l *Lock) handOffLocked() {
	w := l.waiters.popFront()
	if w == nil {
		// The waiters that set lockWaiters were cancelled after our
		// compare-and-swap failed; state is lockHeld.
		l.state.Store(0)
		return
	}
	if l.waiters.len() == 0 {
		l.state.Store(lockHeld) // still held: it now belongs to w
	}
	close(w.ready)
}

// Locked reports whether l is held by some goroutine. The answer may be
// stale by the time the caller looks at it; it is meant for assertions
// and monitoring, not for deciding whether to call Lock.
func (l *Lock) Locked() bool {
	return l.state.Load()&lockHeld != 0
}
