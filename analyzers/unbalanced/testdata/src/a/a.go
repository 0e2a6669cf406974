package a

import (
	"context"
	"errors"
	"sync"

	"github.com/interleave-go/interleave/primitives"
	"golang.org/x/sync/semaphore"
)

var errClosed = errors.New("closed")

type store struct {
	mu     sync.Mutex
	rw     sync.RWMutex
	closed bool
	m      map[string]int
}

// Flagged: the early return leaves s.mu held.
func (s *store) get(k string) (int, error) {
	s.mu.Lock() // want `sync.Mutex.Lock of s.mu is not released on the return at line 25: the lock stays held`
	if s.closed {
		return 0, errClosed
	}
	v := s.m[k]
	s.mu.Unlock()
	return v, nil
}

// Silent: deferred release covers every path.
func (s *store) getDeferred(k string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, errClosed
	}
	return s.m[k], nil
}

// Silent: every path releases before returning.
func (s *store) getExplicit(k string) (int, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return 0, errClosed
	}
	v := s.m[k]
	s.mu.Unlock()
	return v, nil
}

// Silent: a locking helper returns with the lock held on every path.
func (s *store) lock() *store {
	s.mu.Lock()
	return s
}

// Silent: holds the lock exactly when it reports success.
func (s *store) lockOpen() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errClosed
	}
	return nil
}

// Flagged: double unlock.
func (s *store) double() {
	s.mu.Lock()
	s.m = nil
	s.mu.Unlock()
	s.mu.Unlock() // want `sync.Mutex.Unlock of s.mu, already released at line 74: unlock of unlocked mutex is a fatal error`
}

// Flagged: explicit unlock, then the deferred one.
func (s *store) explicitThenDeferred() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m = nil
	s.mu.Unlock() // want `sync.Mutex.Unlock of s.mu is followed by a deferred release of the same lock`
}

// Silent: drops the lock around a slow call and takes it back.
func (s *store) dropAround(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.Unlock()
	f()
	s.mu.Lock()
}

// Flagged: Unlock of a read lock.
func (s *store) wrongMode() int {
	s.rw.RLock()
	n := len(s.m)
	s.rw.Unlock() // want `sync.RWMutex.Unlock of s.rw, which sync.RWMutex.RLock at line 97 took: releasing the other mode is a fatal error`
	return n
}

// Flagged: RUnlock of a write lock.
func (s *store) wrongMode2() {
	s.rw.Lock()
	s.m = nil
	s.rw.RUnlock() // want `sync.RWMutex.RUnlock of s.rw, which sync.RWMutex.Lock at line 105 took`
}

// Silent: read lock released in read mode.
func (s *store) readOK() int {
	s.rw.RLock()
	defer s.rw.RUnlock()
	return len(s.m)
}

// Flagged: unlock after a failed TryLock.
func (s *store) tryWrong() {
	if !s.mu.TryLock() {
		s.mu.Unlock() // want `sync.Mutex.Unlock of s.mu after sync.Mutex.TryLock failed at line 119`
		return
	}
	s.mu.Unlock()
}

// Silent: release only on success of TryLock.
func (s *store) tryRight() bool {
	if !s.mu.TryLock() {
		return false
	}
	defer s.mu.Unlock()
	s.m = nil
	return true
}

// Silent: lock and unlock guarded by the same condition.
func (s *store) maybeLocked(lock bool) {
	if lock {
		s.mu.Lock()
	}
	s.m = nil
	if lock {
		s.mu.Unlock()
	}
}

// Silent: a flag records that the lock was taken.
func (s *store) flag(n int) {
	locked := false
	if n > 0 {
		s.mu.Lock()
		locked = true
	}
	s.m = nil
	if locked {
		s.mu.Unlock()
	}
}

// Flagged: the unlock runs on a path that never locked.
func (s *store) halfGuard(n int) {
	if n > 0 {
		s.mu.Lock()
	}
	s.m = nil
	s.mu.Unlock() // want `sync.Mutex.Unlock of s.mu is reached on a path that does not acquire it \(line 163 acquires it on another path\)`
}

// Silent: unlocks what the caller locked.
func (s *store) unlockForCaller() {
	s.m = nil
	s.mu.Unlock()
}

// Flagged: Release after an Acquire whose error is ignored.
func unchecked(ctx context.Context, sem *semaphore.Weighted) {
	sem.Acquire(ctx, 1)
	defer sem.Release(1) // want `semaphore.Weighted.Release of sem after semaphore.Weighted.Acquire at line 177 without checking its result`
}

// Flagged: Release after a failed Acquire.
func failed(ctx context.Context, sem *semaphore.Weighted) error {
	if err := sem.Acquire(ctx, 1); err != nil {
		sem.Release(1) // want `semaphore.Weighted.Release of sem after semaphore.Weighted.Acquire failed at line 183`
		return err
	}
	sem.Release(1)
	return nil
}

// Silent: not releasing on the error path is right.
func acquireOK(ctx context.Context, sem *semaphore.Weighted) error {
	if err := sem.Acquire(ctx, 2); err != nil {
		return err
	}
	defer sem.Release(2)
	return nil
}

// Flagged: the release weight differs from the acquire weight.
func weights(ctx context.Context, sem *primitives.Semaphore) error {
	if err := sem.Acquire(ctx, 2); err != nil {
		return err
	}
	sem.Release(1) // want `primitives.Semaphore.Release\(1\) of sem after primitives.Semaphore.Acquire\(2\) at line 202: the semaphore count drifts`
	return nil
}

// Flagged: primitives.Lock held on the nil-error path only, early return.
func primLeak(ctx context.Context, l *primitives.Lock, fail bool) error {
	if err := l.Lock(ctx); err != nil { // want `primitives.Lock.Lock of l is not released on the return at line 215`
		return err
	}
	if fail {
		return errClosed
	}
	l.Unlock()
	return nil
}

// Silent: primitives.Lock released only when taken.
func primOK(ctx context.Context, l *primitives.Lock) error {
	if err := l.Lock(ctx); err != nil {
		return err
	}
	defer l.Unlock()
	return nil
}

// Flagged: a semaphore channel slot leaks on the early return.
func chanSem(sem chan struct{}, work func() error) error {
	sem <- struct{}{} // want `channel send of sem is not released on the return at line 234: the semaphore slot is never given back`
	if err := work(); err != nil {
		return err
	}
	<-sem
	return nil
}

// Silent: a semaphore channel released by a deferred closure.
func chanSemOK(sem chan struct{}, work func() error) error {
	sem <- struct{}{}
	defer func() { <-sem }()
	return work()
}

// Generic type: flagged early return in a method.
type cache[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (c *cache[K, V]) get(k K) (V, bool) {
	c.mu.Lock() // want `sync.Mutex.Lock of c.mu is not released on the return at line 257`
	v, ok := c.m[k]
	if !ok {
		return v, false
	}
	c.mu.Unlock()
	return v, true
}

// Silent: generic helper with deferred unlock.
func withLock[T any](mu *sync.Mutex, f func() T) T {
	mu.Lock()
	defer mu.Unlock()
	return f()
}

// Embedded mutex: flagged early return through promoted methods.
type counter struct {
	sync.Mutex
	n int
}

func (c *counter) inc(limit int) bool {
	c.Lock() // want `sync.Mutex.Lock of c.Mutex is not released on the return at line 279`
	if c.n >= limit {
		return false
	}
	c.n++
	c.Unlock()
	return true
}

// Silent: embedded mutex, balanced.
func (c *counter) get() int {
	c.Lock()
	defer c.Unlock()
	return c.n
}

// Closures: flagged inside the literal.
func closures(mu *sync.Mutex, items []int) func(int) bool {
	return func(i int) bool {
		mu.Lock() // want `sync.Mutex.Lock of mu is not released on the return at line 298`
		if i >= len(items) {
			return false
		}
		mu.Unlock()
		return items[i] > 0
	}
}

// Silent: the deferred closure releases the lock.
func closureDefer(mu *sync.Mutex) int {
	mu.Lock()
	defer func() {
		mu.Unlock()
	}()
	return 1
}

// Silent: lock and unlock each iteration of a loop.
func loop(mu *sync.Mutex, xs []int) (sum int) {
	for _, x := range xs {
		mu.Lock()
		sum += x
		mu.Unlock()
	}
	return sum
}

// Flagged: goto skips the unlock.
func gotoSkip(mu *sync.Mutex, n int) int {
	mu.Lock() // want `sync.Mutex.Lock of mu is not released on the return at line 334`
	if n < 0 {
		goto out
	}
	n *= 2
	mu.Unlock()
	return n
out:
	return -1
}

// Silent: goto loop that unlocks on every exit.
func gotoOK(mu *sync.Mutex, n int) int {
again:
	mu.Lock()
	if n > 10 {
		mu.Unlock()
		return n
	}
	n++
	mu.Unlock()
	goto again
}

// Flagged: the panic unwinds with the lock held.
func panics(mu *sync.Mutex, m map[string]int, k string) int {
	mu.Lock() // want `sync.Mutex.Lock of mu is not released when the panic at line 355 unwinds`
	v, ok := m[k]
	if !ok {
		panic("missing " + k)
	}
	mu.Unlock()
	return v
}

// Silent: a fatal call never returns.
func fatal(mu *sync.Mutex, ok bool) {
	mu.Lock()
	if !ok {
		panicky()
	}
	mu.Unlock()
}

func panicky() { panic("x") }

// Silent: directive.
func ignored(mu *sync.Mutex, n int) int {
	//interleavevet:ignore unbalanced the caller unlocks on error
	mu.Lock()
	if n < 0 {
		return n
	}
	mu.Unlock()
	return 0
}

var _ = context.Background

type link struct {
	mu     sync.Mutex
	parent *link
}

// Silent: hand-over-hand locking up a chain.
func climb(l *link) {
	l.mu.Lock()
	for l.parent != nil {
		p := l.parent
		p.mu.Lock()
		l.mu.Unlock()
		l = p
	}
	l.mu.Unlock()
}

// Silent: each element is locked and unlocked in turn.
func each(links []*link) {
	for i := range links {
		links[i].mu.Lock()
		links[i].parent = nil
		links[i].mu.Unlock()
	}
}

// Silent: a background context never fails, so the error branch is dead.
func background(l *primitives.Lock) int {
	ctx := context.Background()
	if err := l.Lock(ctx); err != nil {
		return 0
	}
	l.Unlock()
	return 1
}

// Silent: the function shows the misuse panic and recovers it.
func showsPanic(s *primitives.Semaphore) {
	defer func() { recover() }()
	s.Acquire(context.Background(), 1)
	s.Release(1)
	s.Release(1)
}

// Flagged: a double sync unlock is fatal, recover or not.
func fatalAnyway(mu *sync.Mutex) {
	defer func() { recover() }()
	mu.Lock()
	mu.Unlock()
	mu.Unlock() // want `sync.Mutex.Unlock of mu, already released`
}

// Silent: another goroutine takes the lock between the two unlocks.
func handoff(start func(func())) {
	var mu sync.Mutex
	mu.Lock()
	start(func() { mu.Lock() })
	mu.Unlock()
	mu.Unlock()
}

// Silent: defer in a loop releases every lock when the function returns.
func deferLoop(mus []*sync.Mutex) {
	for _, mu := range mus {
		mu.Lock()
		defer mu.Unlock()
	}
}

// fallsOffTheEnd returns without a return statement: the report names the
// closing brace.
func fallsOffTheEnd(mu *sync.Mutex, early bool) {
	mu.Lock() // want `sync.Mutex.Lock of mu is not released on the return at line 463`
	if early {
		mu.Unlock()
		return
	}
	println("working")
}

// Silent (relock reports the second Lock): the goroutine never gets
// past it, so the Unlock and the deferred one are no findings.
func relocked(mu *sync.Mutex) {
	mu.Lock()
	defer mu.Unlock()
	mu.Lock()
	mu.Unlock()
}

// Silent: likewise after a call that relocks.
func (s *store) relockedCall() {
	s.mu.Lock()
	s.lockedTouch()
	s.mu.Unlock()
	s.mu.Unlock()
}

func (s *store) lockedTouch() {
	s.mu.Lock()
	s.m = nil
	s.mu.Unlock()
}

// Silent: N read locks in one loop, N releases in another (grpc's
// BenchmarkRLockUnlock): read locks count, as a semaphore does.
func readLockCount(mu *sync.RWMutex, n int) {
	i := 0
	for ; i < n; i++ {
		mu.RLock()
	}
	for ; i > 0; i-- {
		mu.RUnlock()
	}
}

type pending struct {
	mu   sync.Mutex
	errs []error
}

// Silent: a closure kept in a variable that another closure captures
// (so go/ssa calls it through a cell) releases the lock on that path
// (nats.go's processAsyncPubAck and its doErr).
func (p *pending) resolve(err error, retry bool) {
	p.mu.Lock()
	fail := func(err error) {
		p.errs = append(p.errs, err)
		p.mu.Unlock()
	}
	if retry {
		go func() {
			p.mu.Lock()
			fail(err)
		}()
		p.mu.Unlock()
		return
	}
	fail(err)
}

// Flagged: the same, where the closure keeps the lock.
func (p *pending) resolveLeaky(err error, retry bool) {
	p.mu.Lock() // want `sync.Mutex.Lock of p.mu is not released on the return`
	note := func(err error) {
		p.errs = append(p.errs, err)
	}
	if retry {
		go func() { note(err) }()
		p.mu.Unlock()
		return
	}
	note(err)
}
