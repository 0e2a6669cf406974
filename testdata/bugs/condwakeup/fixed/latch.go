// Package condwakeup is a one-shot latch built on sync.Cond.
package condwakeup

import "sync"

// Latch lets goroutines wait until it is opened.
type Latch struct {
	mu   sync.Mutex
	cond *sync.Cond
	open bool
}

// New returns a closed latch.
func New() *Latch {
	l := &Latch{}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// Open opens the latch and wakes its waiters; a later Wait returns at once.
func (l *Latch) Open() {
	l.mu.Lock()
	l.open = true
	l.cond.Broadcast()
	l.mu.Unlock()
}

// Wait blocks until the latch is opened.
func (l *Latch) Wait() {
	l.mu.Lock()
	for !l.open {
		l.cond.Wait()
	}
	l.mu.Unlock()
}
