package primitives

import (
	"context"
	"sync"
)

// Event is a flag that goroutines can wait for: Set raises it and wakes
// every goroutine waiting, Clear lowers it again, as Python's asyncio.Event.
//
// A Set wakes every goroutine that was waiting when it was called, even if
// Clear follows at once: each wait holds the channel that Set closes, and
// Clear makes a new one only for later waiters.
//
// The zero value is a clear Event. An Event must not be copied after first
// use.
type Event struct {
	_ noCopy

	mu  sync.Mutex
	set bool
	ch  chan struct{} // closed by Set; nil until someone waits on a clear Event
}

// Set raises e and wakes every goroutine waiting for it. Setting a set
// Event does nothing.
func (e *Event) Set() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.set {
		return
	}
	e.set = true
	if e.ch != nil {
		close(e.ch)
		e.ch = nil
	}
}

// Clear lowers e, so that later calls of Wait wait for the next Set. Waiters
// already woken by an earlier Set are not affected.
func (e *Event) Clear() {
	e.mu.Lock()
	e.set = false
	e.mu.Unlock()
}

// IsSet reports whether e is set. It is the non-blocking twin of Wait.
func (e *Event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

// Wait waits until e is set or ctx is done. It returns nil if e was set
// while the caller waited (or was set already), or ctx.Err(). If ctx is done
// before the call, Wait fails even if e is set. A Set at the moment ctx is
// done counts: Wait returns nil.
func (e *Event) Wait(ctx context.Context) error {
	done := ctx.Done()
	if ctxDone(done) {
		return ctx.Err()
	}
	e.mu.Lock()
	if e.set {
		e.mu.Unlock()
		return nil
	}
	if e.ch == nil {
		e.ch = make(chan struct{})
	}
	ch := e.ch
	e.mu.Unlock()

	select {
	case <-ch:
		return nil
	case <-done:
		select {
		case <-ch:
			return nil // Set as ctx was cancelled: the wake-up counts
		default:
			return ctx.Err()
		}
	}
}
