package primitives

import (
	"context"
	"sync"
)

// RWLock is a reader/writer lock: any number of readers or one writer hold
// it at a time. Lock and RLock take a context.
//
// Writers are not starved: once a writer waits, readers that arrive after
// it wait behind it even while other readers hold the lock, as with
// sync.RWMutex. Waiters are served in arrival order; when the first
// waiters are readers, all of the readers at the front of the line are let
// in together, up to the next waiting writer. So neither side starves.
//
// The zero value is an unlocked RWLock. An RWLock must not be copied after
// first use. Like Lock it is not tied to a goroutine.
type RWLock struct {
	_ noCopy

	mu      sync.Mutex
	readers int            // readers holding the lock
	writer  bool           // a writer holds the lock
	waiters waitList[bool] // val: true for a writer
}

// Lock locks rw for writing, waiting until no reader or writer holds it and
// every earlier waiter has been served, or until ctx is done. It returns nil
// once the caller holds rw, or ctx.Err() with rw unchanged; a grant at the
// moment ctx is done is kept. If ctx is done before the call, Lock fails
// even if rw is free.
func (rw *RWLock) Lock(ctx context.Context) error {
	return rw.lock(ctx, true)
}

// RLock locks rw for reading, waiting while a writer holds it or anyone is
// waiting, until it is let in or ctx is done. It returns as Lock does.
func (rw *RWLock) RLock(ctx context.Context) error {
	return rw.lock(ctx, false)
}

// TryLock locks rw for writing if nobody holds it or waits for it, and
// reports whether it did. It never waits.
func (rw *RWLock) TryLock() bool {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return rw.tryLocked(true)
}

// TryRLock locks rw for reading if no writer holds it and nobody waits for
// it, and reports whether it did. It never waits.
func (rw *RWLock) TryRLock() bool {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return rw.tryLocked(false)
}

// Unlock releases rw from writing and lets the next waiters in. Unlock of
// an RWLock not locked for writing panics.
func (rw *RWLock) Unlock() {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if !rw.writer {
		panic("primitives: Unlock of RWLock not locked for writing")
	}
	rw.writer = false
	rw.grantLocked()
}

// RUnlock releases one reader's hold on rw, letting the next waiter in when
// it was the last. RUnlock of an RWLock not locked for reading panics.
func (rw *RWLock) RUnlock() {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.readers == 0 {
		panic("primitives: RUnlock of RWLock not locked for reading")
	}
	rw.readers--
	rw.grantLocked()
}

func (rw *RWLock) lock(ctx context.Context, write bool) error {
	done := ctx.Done()
	if ctxDone(done) {
		return ctx.Err()
	}
	rw.mu.Lock()
	if rw.tryLocked(write) {
		rw.mu.Unlock()
		return nil
	}
	w := newWaiter(write)
	rw.waiters.pushBack(w)
	rw.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-done:
		rw.mu.Lock()
		defer rw.mu.Unlock()
		if w.granted() {
			return nil
		}
		rw.waiters.remove(w)
		// A writer that leaves the front of the line may have been all
		// that kept the readers behind it out.
		rw.grantLocked()
		return ctx.Err()
	}
}

// tryLocked takes rw if the caller may have it now. rw.mu must be held.
func (rw *RWLock) tryLocked(write bool) bool {
	if rw.writer || rw.waiters.len() > 0 {
		return false
	}
	if write {
		if rw.readers > 0 {
			return false
		}
		rw.writer = true
		return true
	}
	rw.readers++
	return true
}

// grantLocked lets in the waiters at the front of the line that may enter:
// one writer if the lock is free, or every reader up to the first writer if
// no writer holds it. rw.mu must be held.
func (rw *RWLock) grantLocked() {
	for w := rw.waiters.front(); w != nil && !rw.writer; w = rw.waiters.front() {
		if w.val { // a writer
			if rw.readers > 0 {
				return
			}
			rw.writer = true
		} else {
			rw.readers++
		}
		rw.waiters.remove(w)
		close(w.ready)
	}
}
