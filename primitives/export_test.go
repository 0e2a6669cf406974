package primitives

// Hooks for the cancellation-at-grant tests. Each runs f (which cancels a
// waiter's context) and then grants, in one critical section of the
// primitive's mutex, so the waiter sees its context done and its grant at
// the same moment, whichever it notices first.

func UnlockAfter(l *Lock, f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f()
	l.handOffLocked()
}

func RWUnlockAfter(rw *RWLock, f func()) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	f()
	rw.writer = false
	rw.grantLocked()
}

func ReleaseAfter(s *Semaphore, n int64, f func()) {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	f()
	s.w.avail += n
	s.w.grantLocked()
}

func SetAfter(e *Event, f func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f()
	e.set = true
	close(e.ch)
	e.ch = nil
}

func NotifyAfter(c *Condition, n int, f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f()
	c.notifyLocked(n)
}

func PutAfter[T any](q *Queue[T], v T, f func()) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	f()
	return q.tryPutLocked(v)
}

func GetAfter[T any](q *Queue[T], f func()) (T, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	f()
	return q.tryGetLocked()
}

func ArriveAfter(b *Barrier, f func()) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f()
	_, index, err := b.arriveLocked()
	return index, err
}

// GrantNextAfter runs f and then grants the first entry in l's line its
// token, as if its due time had come, in one critical section.
func GrantNextAfter(l *Limiter, f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f()
	l.advanceLocked(l.zero.Add(l.every))
}

// WithLockMu runs f holding l's internal mutex, so that goroutines f starts
// stop in l's slow paths at the point where they take it.
func WithLockMu(l *Lock, f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f()
}

// Waiters returns the number of goroutines queued on l. l.mu must be held.
func Waiters(l *Lock) int { return l.waiters.len() }
