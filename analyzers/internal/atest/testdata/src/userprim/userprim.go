// Package userprim holds locks and semaphores written by hand, the way
// a project writes its own: the analyzers know them only by the shape
// of their methods (or a directive), through facts. It imports nothing
// of golang.org/x/sync.
package userprim

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Weighted is a weighted semaphore: a mutex, a count and a queue of
// waiters, each with a channel closed when it is served.
type Weighted struct { // want Weighted:`semaphore\(Acquire TryAcquire Release\)`
	mu      sync.Mutex
	size    int64
	cur     int64
	waiters []*waiter
}

type waiter struct {
	n     int64
	ready chan struct{}
}

// NewWeighted returns a semaphore of n units.
func NewWeighted(n int64) *Weighted { return &Weighted{size: n} }

// Acquire takes n units, waiting until they are free or ctx is done.
func (s *Weighted) Acquire(ctx context.Context, n int64) error {
	s.mu.Lock()
	if s.size-s.cur >= n && len(s.waiters) == 0 {
		s.cur += n
		s.mu.Unlock()
		return nil
	}
	w := &waiter{n: n, ready: make(chan struct{})}
	s.waiters = append(s.waiters, w)
	s.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		defer s.mu.Unlock()
		select {
		case <-w.ready:
			s.cur -= n // served meanwhile: give it back
			s.wake()
		default:
			for i, x := range s.waiters {
				if x == w {
					s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
					break
				}
			}
		}
		return ctx.Err()
	}
}

// TryAcquire takes n units if they are free.
func (s *Weighted) TryAcquire(n int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.size-s.cur < n || len(s.waiters) > 0 {
		return false
	}
	s.cur += n
	return true
}

// Release gives n units back.
func (s *Weighted) Release(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur -= n
	if s.cur < 0 {
		panic("userprim: released more than held")
	}
	s.wake()
}

func (s *Weighted) wake() {
	for len(s.waiters) > 0 && s.size-s.cur >= s.waiters[0].n {
		s.cur += s.waiters[0].n
		close(s.waiters[0].ready)
		s.waiters = s.waiters[1:]
	}
}

// SpinLock is a lock that spins on a compare-and-swap.
type SpinLock struct{ state int32 } // want SpinLock:`lock\(Lock Unlock TryLock\)`

func (l *SpinLock) Lock() {
	for !atomic.CompareAndSwapInt32(&l.state, 0, 1) {
		runtime.Gosched()
	}
}

func (l *SpinLock) TryLock() bool { return atomic.CompareAndSwapInt32(&l.state, 0, 1) }

func (l *SpinLock) Unlock() { atomic.StoreInt32(&l.state, 0) }

// CtxLock is a lock that gives up when the context is done.
type CtxLock struct{ ch chan struct{} } // want CtxLock:`lock\(Lock Unlock TryLock\)`

func NewCtxLock() *CtxLock { return &CtxLock{ch: make(chan struct{}, 1)} }

func (l *CtxLock) Lock(ctx context.Context) error {
	select {
	case l.ch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *CtxLock) TryLock() bool {
	select {
	case l.ch <- struct{}{}:
		return true
	default:
		return false
	}
}

func (l *CtxLock) Unlock() { <-l.ch }

// RW is a readers-writer lock wrapping sync.RWMutex.
type RW struct{ rw sync.RWMutex } // want RW:`lock\(Lock Unlock RLock RUnlock\)`

func (l *RW) Lock()    { l.rw.Lock() }
func (l *RW) Unlock()  { l.rw.Unlock() }
func (l *RW) RLock()   { l.rw.RLock() }
func (l *RW) RUnlock() { l.rw.RUnlock() }

// Gate lets at most a fixed number in: Acquire and Release without a
// weight.
type Gate struct{ slots chan struct{} } // want Gate:`semaphore\(Acquire TryAcquire Release\)`

func NewGate(n int) *Gate { return &Gate{slots: make(chan struct{}, n)} }

func (g *Gate) Acquire() { g.slots <- struct{}{} }

func (g *Gate) TryAcquire() bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (g *Gate) Release() { <-g.slots }

// Locker is any lock.
type Locker interface { // want Locker:`lock\(Lock Unlock\)`
	Lock()
	Unlock()
}

// Pool hands out at most n buffers: Get waits for one, Put returns it.
// Its shape says nothing; the directive does.
//
//interleavevet:primitive acquire=Get release=Put try=TryGet
type Pool struct{ free chan []byte } // want Pool:`semaphore by directive\(Get Put TryGet\)`

func (p *Pool) Get(ctx context.Context) ([]byte, error) {
	select {
	case b := <-p.free:
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *Pool) TryGet() ([]byte, bool) {
	select {
	case b := <-p.free:
		return b, true
	default:
		return nil, false
	}
}

func (p *Pool) Put(b []byte) { p.free <- b }

// Not primitives.

// Widget has Lock and Unlock, but they make it read-only: nothing
// waits.
type Widget struct{ locked bool }

func (w *Widget) Lock()   { w.locked = true }
func (w *Widget) Unlock() { w.locked = false }

// Ref counts references: Acquire and Release never wait.
type Ref struct{ n atomic.Int32 }

func (r *Ref) Acquire() { r.n.Add(1) }
func (r *Ref) Release() { r.n.Add(-1) }

// Lease takes a weight but gives everything back at once: Release
// takes no argument, so it is not a weighted semaphore.
type Lease struct{ mu sync.Mutex }

func (l *Lease) Acquire(ctx context.Context, n int64) error { l.mu.Lock(); l.mu.Unlock(); return nil }
func (l *Lease) Release()                                   {}

// Door has a lock's shape, but says it is none.
//
//interleavevet:primitive none
type Door struct{ ch chan struct{} }

func (d *Door) Lock()   { d.ch <- struct{}{} }
func (d *Door) Unlock() { <-d.ch }

// Counting is a weighted semaphore without a context, on a condition
// variable: the way a textbook writes it.
type Counting struct { // want Counting:`semaphore\(Acquire Release\)`
	mu    sync.Mutex
	cond  *sync.Cond
	avail int
}

func NewCounting(n int) *Counting {
	c := &Counting{avail: n}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *Counting) Acquire(n int) {
	c.mu.Lock()
	for c.avail < n {
		c.cond.Wait()
	}
	c.avail -= n
	c.mu.Unlock()
}

func (c *Counting) Release(n int) {
	c.mu.Lock()
	c.avail += n
	c.cond.Broadcast()
	c.mu.Unlock()
}

// Dijkstra is a semaphore with Dijkstra's names.
type Dijkstra struct{ ch chan struct{} } // want Dijkstra:`semaphore\(P V\)`

func (d *Dijkstra) P() { d.ch <- struct{}{} }
func (d *Dijkstra) V() { <-d.ch }

// ReentrantMutex may be locked again by its holder: a lock, but no
// relock deadlocks.
type ReentrantMutex struct { // want ReentrantMutex:`semaphore\(Lock Unlock\)`
	mu    sync.Mutex
	cond  *sync.Cond
	owner int64
	count int
}

func (m *ReentrantMutex) Lock() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for m.count > 0 && m.owner != goid() {
		m.cond.Wait()
	}
	m.owner = goid()
	m.count++
}

func (m *ReentrantMutex) Unlock() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.count--
	if m.count == 0 {
		m.cond.Signal()
	}
}

func goid() int64 { return 0 }

// Users counts users under a mutex: Acquire takes the mutex and gives
// it back, it does not wait for the count.
type Users struct {
	mu sync.Mutex
	n  int
}

func (u *Users) Acquire() { u.mu.Lock(); u.n++; u.mu.Unlock() }
func (u *Users) Release() { u.mu.Lock(); u.n--; u.mu.Unlock() }
