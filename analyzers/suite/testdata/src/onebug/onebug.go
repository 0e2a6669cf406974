// Package onebug has one bug per function, as people write them; each
// must give one finding, on the line marked, and nothing else.
package onebug

import (
	"context"
	"sync"
	"time"

	"userprim"
)

type store struct {
	mu    sync.Mutex
	rw    sync.RWMutex
	n     int
	ch    chan int
	done  chan struct{}
	items map[string]int
}

func (s *store) inc() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
}

// A relock under a deferred unlock: the explicit Unlock after it and the
// deferred one are consequences.
func (s *store) relockDeferred() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.Lock() // finding relock
	s.n++
	s.mu.Unlock()
}

// A relock with two unlocks after it.
func (s *store) relockTwice() {
	s.mu.Lock()
	s.mu.Lock() // finding relock
	s.n++
	s.mu.Unlock()
	s.mu.Unlock()
}

// A relock through a call, then an unlock, then a send: all after the
// deadlock.
func (s *store) relockCall() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inc() // finding relock
	s.mu.Unlock()
	s.ch <- s.n
}

// A relock through a call of a helper that also blocks (after its own
// critical section, which is right).
func (s *store) incAndWait() {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	<-s.done
}

func (s *store) relockBlocking() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.incAndWait() // finding relock
}

// A write lock under a read lock.
func (s *store) upgrade(k string) {
	s.rw.RLock()
	defer s.rw.RUnlock()
	if _, ok := s.items[k]; !ok {
		s.rw.Lock() // finding relock
		s.items[k] = 0
		s.rw.Unlock()
	}
}

// Two early returns that keep the lock: one finding, both returns in its
// related information.
func (s *store) get(k string, strict bool) (int, bool) {
	s.mu.Lock() // finding unbalanced
	v, ok := s.items[k]
	if !ok {
		return 0, false
	}
	if strict && v == 0 {
		return 0, false
	}
	s.mu.Unlock()
	return v, true
}

// Two blocking operations in one critical section.
func (s *store) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ch <- s.n // finding holdblock
	time.Sleep(time.Millisecond)
}

// A hand-written semaphore released with another weight.
func (s *store) weights(ctx context.Context, w *userprim.Weighted) error {
	if err := w.Acquire(ctx, 2); err != nil {
		return err
	}
	w.Release(1) // finding unbalanced
	return nil
}

type account struct {
	mu  sync.Mutex
	bal int
}

type bank struct {
	mu       sync.Mutex
	accounts []*account
}

// A lock-order inversion: one finding for the pair of locks, at the
// site whose order is the rarer, the other sites related.
func (b *bank) audit() (sum int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range b.accounts {
		a.mu.Lock()
		sum += a.bal
		a.mu.Unlock()
	}
	return sum
}

func (b *bank) total() (sum int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range b.accounts {
		a.mu.Lock()
		sum += a.bal
		a.mu.Unlock()
	}
	return sum
}

func (a *account) register(b *bank) {
	a.mu.Lock()
	defer a.mu.Unlock()
	b.add(a) // finding lockorder
}

func (b *bank) add(a *account) {
	b.mu.Lock()
	b.accounts = append(b.accounts, a)
	b.mu.Unlock()
}

// A continue that skips the unlock: the loop's next Lock deadlocks, but
// the bug is the path that keeps the lock, reported once.
func (s *store) sum(xs []int) {
	for _, x := range xs {
		s.mu.Lock() // finding unbalanced
		if x < 0 {
			continue
		}
		s.n += x
		s.mu.Unlock()
	}
}

// The same in a loop that never returns: only the relock is left.
func (s *store) drainForever() {
	for {
		s.mu.Lock() // finding relock
		if s.n < 0 {
			continue
		}
		s.n--
		s.mu.Unlock()
	}
}

// Returning true from inside the critical section.
func (s *store) contains(k string) bool {
	s.mu.Lock() // finding unbalanced
	if _, ok := s.items[k]; ok {
		return true
	}
	s.mu.Unlock()
	return false
}

// A helper that blocks, called twice under one lock: one finding.
func (s *store) wait() { <-s.done }

func (s *store) twice() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wait() // finding holdblock
	s.wait()
}

// The bank transfer: both accounts' locks, in the order of the
// arguments, called both ways round.
func transfer(from, to *account, n int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock() // finding lockorder
	defer to.mu.Unlock()
	from.bal -= n
	to.bal += n
}

func pay(x, y *account) {
	go transfer(x, y, 1)
	go transfer(y, x, 2)
}

// Two calls that relock, on two paths, under one Lock: one finding.
func (s *store) restart() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 1 {
		s.inc() // finding relock
	}
	s.inc()
}

// A deferred Lock, a typo for Unlock, on a function with one return
// that releases first: relock's finding, not also unbalanced's lock
// held at the other return.
func (s *store) typo(v int) {
	s.mu.Lock()
	defer s.mu.Lock() // finding relock
	if v < 0 {
		s.mu.Unlock()
		return
	}
	s.n = v
}
