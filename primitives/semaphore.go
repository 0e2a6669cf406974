package primitives

import (
	"context"
	"sync"
)

// Semaphore is a weighted counting semaphore: a count of available permits
// that Acquire takes from, waiting while there are too few, and Release
// gives back to. Waiters are served first come, first served, even when a
// later, smaller request could be met at once: otherwise a steady stream of
// small requests could starve a large one forever.
//
// Release may raise the count above its initial value; BoundedSemaphore is
// the variant that treats that as a bug. A Semaphore must be created with
// NewSemaphore and must not be copied.
type Semaphore struct {
	_ noCopy
	w weighted
}

// NewSemaphore returns a Semaphore with n permits available. It panics if n
// is negative.
func NewSemaphore(n int64) *Semaphore {
	if n < 0 {
		panic("primitives: NewSemaphore with a negative count")
	}
	s := &Semaphore{}
	s.w.init(n, -1)
	return s
}

// Acquire takes n permits, waiting until they are available or ctx is done.
// It returns nil once the permits are the caller's, or ctx.Err() having
// taken nothing. If ctx is done before the call, Acquire fails even if the
// permits are available. If the permits are granted at the moment ctx is
// done, the caller keeps them and Acquire returns nil. A request that can
// never be met (n more than the semaphore will ever hold) waits for ctx,
// and, being first in line, keeps everyone behind it waiting too. Acquire
// panics if n is negative.
func (s *Semaphore) Acquire(ctx context.Context, n int64) error {
	return s.w.acquire(ctx, n)
}

// TryAcquire takes n permits if they are available and nobody is waiting,
// and reports whether it did. It never waits. It panics if n is negative.
func (s *Semaphore) TryAcquire(n int64) bool { return s.w.tryAcquire(n) }

// Release returns n permits, granting them to waiters in arrival order. It
// panics if n is negative.
func (s *Semaphore) Release(n int64) { s.w.release(n) }

// Value returns the number of permits available now. Waiters may be
// waiting even when it is positive: the first of them wants more.
func (s *Semaphore) Value() int64 { return s.w.value() }

// BoundedSemaphore is a Semaphore that never holds more permits than it was
// created with: a Release that would take the count above that panics, as
// Python's asyncio.BoundedSemaphore raises. It catches a release without a
// matching acquire, the bug that silently widens a plain semaphore. A
// BoundedSemaphore must be created with NewBoundedSemaphore and must not be
// copied.
type BoundedSemaphore struct {
	_ noCopy
	w weighted
}

// NewBoundedSemaphore returns a BoundedSemaphore with n permits, which is
// also its bound. It panics if n is negative.
func NewBoundedSemaphore(n int64) *BoundedSemaphore {
	if n < 0 {
		panic("primitives: NewBoundedSemaphore with a negative count")
	}
	s := &BoundedSemaphore{}
	s.w.init(n, n)
	return s
}

// Acquire takes n permits as Semaphore.Acquire does. A request for more
// than the bound can never be met: it does not queue, so it keeps nobody
// else waiting, and returns ctx.Err() once ctx is done.
func (s *BoundedSemaphore) Acquire(ctx context.Context, n int64) error {
	return s.w.acquire(ctx, n)
}

// TryAcquire takes n permits if they are available and nobody is waiting,
// and reports whether it did. It never waits. It panics if n is negative.
func (s *BoundedSemaphore) TryAcquire(n int64) bool { return s.w.tryAcquire(n) }

// Release returns n permits, granting them to waiters in arrival order. It
// panics if n is negative or if the count would exceed the bound, leaving
// the count unchanged.
func (s *BoundedSemaphore) Release(n int64) { s.w.release(n) }

// Value returns the number of permits available now.
func (s *BoundedSemaphore) Value() int64 { return s.w.value() }

// weighted is the implementation shared by Semaphore and BoundedSemaphore.
type weighted struct {
	mu      sync.Mutex
	avail   int64
	bound   int64 // -1: no bound
	waiters waitList[int64]
}

func (s *weighted) init(n, bound int64) {
	s.avail, s.bound = n, bound
}

func (s *weighted) acquire(ctx context.Context, n int64) error {
	if n < 0 {
		panic("primitives: Acquire of a negative number of permits")
	}
	done := ctx.Done()
	if ctxDone(done) {
		return ctx.Err()
	}
	s.mu.Lock()
	if s.avail >= n && s.waiters.len() == 0 {
		s.avail -= n
		s.mu.Unlock()
		return nil
	}
	if s.bound >= 0 && n > s.bound {
		// Doomed: queueing it would block every later request for good.
		s.mu.Unlock()
		<-done
		return ctx.Err()
	}
	w := newWaiter(n)
	s.waiters.pushBack(w)
	s.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-done:
		s.mu.Lock()
		defer s.mu.Unlock()
		if w.granted() {
			return nil // granted as ctx was cancelled: keep the permits
		}
		isHead := s.waiters.front() == w
		s.waiters.remove(w)
		if isHead {
			// The waiters behind a large head may fit now that it has
			// gone; without this they would wait for the next Release,
			// which may never come (x/sync/semaphore once had this bug).
			s.grantLocked()
		}
		return ctx.Err()
	}
}

func (s *weighted) tryAcquire(n int64) bool {
	if n < 0 {
		panic("primitives: TryAcquire of a negative number of permits")
	}
	s.mu.Lock()
	ok := s.avail >= n && s.waiters.len() == 0
	if ok {
		s.avail -= n
	}
	s.mu.Unlock()
	return ok
}

func (s *weighted) release(n int64) {
	if n < 0 {
		panic("primitives: Release of a negative number of permits")
	}
	s.mu.Lock()
	if s.bound >= 0 && s.avail+n > s.bound {
		s.mu.Unlock()
		panic("primitives: BoundedSemaphore released too many times")
	}
	s.avail += n
	s.grantLocked()
	s.mu.Unlock()
}

// grantLocked grants waiters in order while the first one fits. It stops at
// the first that does not, even if a later one would: that is the FIFO
// promise. s.mu must be held.
func (s *weighted) grantLocked() {
	for w := s.waiters.front(); w != nil && w.val <= s.avail; w = s.waiters.front() {
		s.avail -= w.val
		s.waiters.remove(w)
		close(w.ready)
	}
}

func (s *weighted) value() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.avail
}
