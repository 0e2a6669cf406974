// Package condwakeup is a one-shot latch built on sync.Cond.
package condwakeup

import "sync"

// Latch lets goroutines wait until it is opened.
type Latch struct {
	mu   sync.Mutex
	cond *sync.Cond
}

// New returns a closed latch.
func New() *Latch {
	l := &Latch{}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// Open wakes the waiter. It keeps no state: an Open before the Wait is
// lost, and the waiter sleeps for ever.
func (l *Latch) Open() {
	l.mu.Lock()
	l.cond.Signal()
	l.mu.Unlock()
}

// Wait blocks until the latch is opened.
func (l *Latch) Wait() {
	l.mu.Lock()
	l.cond.Wait()
	l.mu.Unlock()
}
