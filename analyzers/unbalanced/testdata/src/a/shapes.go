package a

import (
	"context"
	"errors"

	"userprim"
)

var errBusy = errors.New("busy")

// tokens is a weighted semaphore of this package, written by hand on a
// buffered channel.
type tokens struct{ ch chan struct{} }

func (t *tokens) Acquire(ctx context.Context, n int) error {
	for i := 0; i < n; i++ {
		select {
		case t.ch <- struct{}{}:
		case <-ctx.Done():
			t.Release(i)
			return ctx.Err()
		}
	}
	return nil
}

func (t *tokens) Release(n int) {
	for i := 0; i < n; i++ {
		<-t.ch
	}
}

// Flagged: the early return keeps the weight of a hand-written semaphore.
func weightedLeak(ctx context.Context, s *userprim.Weighted, fail bool) error {
	if err := s.Acquire(ctx, 3); err != nil { // want `userprim.Weighted.Acquire of s is not released on the return at line \d+: the weight is never given back`
		return err
	}
	if fail {
		return errBusy
	}
	s.Release(3)
	return nil
}

// Flagged: released with another weight.
func weightedDrift(ctx context.Context, s *userprim.Weighted) error {
	if err := s.Acquire(ctx, 2); err != nil {
		return err
	}
	defer s.Release(1) // want `userprim.Weighted.Release\(1\) of s after userprim.Weighted.Acquire\(2\) at line \d+: the semaphore count drifts`
	return nil
}

// Flagged: released after Acquire(ctx) failed.
func weightedFailed(ctx context.Context, s *userprim.Weighted) error {
	if err := s.Acquire(ctx, 1); err != nil {
		s.Release(1) // want `userprim.Weighted.Release of s after userprim.Weighted.Acquire failed at line \d+: releases what this goroutine does not hold`
		return err
	}
	s.Release(1)
	return nil
}

// Flagged: released after TryAcquire failed.
func weightedTry(s *userprim.Weighted) {
	ok := s.TryAcquire(1)
	defer s.Release(1) // want `userprim.Weighted.Release of s after userprim.Weighted.TryAcquire at line \d+ without checking`
	_ = ok
}

// Flagged: released after TryAcquire said no.
func weightedTryFailed(s *userprim.Weighted) {
	if !s.TryAcquire(1) {
		s.Release(1) // want `userprim.Weighted.Release of s after userprim.Weighted.TryAcquire failed`
		return
	}
	s.Release(1)
}

// Silent: acquired, released with the same weight on every path.
func weightedOK(ctx context.Context, s *userprim.Weighted, n int64) error {
	if err := s.Acquire(ctx, n); err != nil {
		return err
	}
	defer s.Release(n)
	return nil
}

// Flagged: this package's own semaphore, left held on the error path.
func tokensLeak(ctx context.Context, t *tokens, work func() error) error {
	if err := t.Acquire(ctx, 2); err != nil { // want `a.tokens.Acquire of t is not released on the return at line \d+`
		return err
	}
	if err := work(); err != nil {
		return err
	}
	t.Release(2)
	return nil
}

// Flagged: a spin lock kept on an early return.
func spinLeak(l *userprim.SpinLock, n int) int {
	l.Lock() // want `userprim.SpinLock.Lock of l is not released on the return at line \d+: the lock stays held`
	if n < 0 {
		return 0
	}
	l.Unlock()
	return n
}

// Flagged: unlocking a context lock whose Lock failed.
func ctxLockFailed(ctx context.Context, l *userprim.CtxLock) error {
	if err := l.Lock(ctx); err != nil {
		l.Unlock() // want `userprim.CtxLock.Unlock of l after userprim.CtxLock.Lock failed`
		return err
	}
	l.Unlock()
	return nil
}

// Flagged: a gate slot kept on an early return.
func gateLeak(g *userprim.Gate, work func() error) error {
	g.Acquire() // want `userprim.Gate.Acquire of g is not released on the return at line \d+`
	if err := work(); err != nil {
		return err
	}
	g.Release()
	return nil
}

// Flagged: a pooled buffer (a directive says Get and Put pair) kept on
// an early return.
func poolLeak(ctx context.Context, p *userprim.Pool, work func([]byte) error) error {
	b, err := p.Get(ctx) // want `userprim.Pool.Get of p is not released on the return at line \d+`
	if err != nil {
		return err
	}
	if err := work(b); err != nil {
		return err
	}
	p.Put(b)
	return nil
}

// Silent: Put only after a successful Get.
func poolOK(ctx context.Context, p *userprim.Pool, work func([]byte) error) error {
	b, err := p.Get(ctx)
	if err != nil {
		return err
	}
	defer p.Put(b)
	return work(b)
}

// Flagged: Put after a failed TryGet.
func poolTryFailed(p *userprim.Pool) {
	b, ok := p.TryGet()
	if !ok {
		p.Put(b) // want `userprim.Pool.Put of p after userprim.Pool.TryGet failed`
		return
	}
	p.Put(b)
}

// Silent: Widget's Lock only marks it read-only; nothing waits.
func widget(w *userprim.Widget, n int) int {
	w.Lock()
	if n < 0 {
		return 0
	}
	w.Unlock()
	return n
}

// Silent: a reference count is no semaphore.
func ref(r *userprim.Ref, n int) int {
	r.Acquire()
	if n < 0 {
		return 0
	}
	r.Release()
	return n
}

// Silent: Lease's Release takes no weight, so there is none to compare.
func lease(ctx context.Context, l *userprim.Lease) error {
	if err := l.Acquire(ctx, 4); err != nil {
		return err
	}
	l.Release()
	return nil
}

// Silent: Door has a lock's shape, and a directive saying it is none.
func door(d *userprim.Door, n int) int {
	d.Lock()
	if n < 0 {
		return 0
	}
	d.Unlock()
	return n
}

// Flagged: a directive that names a method the type does not have.
//
//interleavevet:primitive acquire=Take release=Give // want `interleavevet:primitive: acquire=Take: ticket has no method Take`
type ticket struct{}

func (ticket) Get() {}
func (ticket) Put() {}

// Flagged: a textbook counting semaphore, released with another weight.
func counting(c *userprim.Counting, work func()) {
	c.Acquire(2)
	work()
	c.Release(1) // want `userprim.Counting.Release\(1\) of c after userprim.Counting.Acquire\(2\) at line \d+: the semaphore count drifts`
}

// Flagged: P without V on an early return.
func dijkstra(d *userprim.Dijkstra, work func() error) error {
	d.P() // want `userprim.Dijkstra.P of d is not released on the return at line \d+`
	if err := work(); err != nil {
		return err
	}
	d.V()
	return nil
}

// Silent: a count of users under a mutex is no semaphore.
func users(u *userprim.Users, n int) int {
	u.Acquire()
	if n < 0 {
		return 0
	}
	u.Release()
	return n
}

// Flagged: a variable weight given back as one.
func upload(ctx context.Context, s *userprim.Weighted, size int64, send func() error) error {
	if err := s.Acquire(ctx, size); err != nil {
		return err
	}
	defer s.Release(1) // want `userprim.Weighted.Release\(1\) of s after userprim.Weighted.Acquire\(size\) at line \d+: the semaphore count drifts`
	return send()
}

// Silent: two variables may well be equal.
func chunks(ctx context.Context, s *userprim.Weighted, size, n int64) error {
	if err := s.Acquire(ctx, size); err != nil {
		return err
	}
	s.Release(n)
	return nil
}

// Flagged: the error is dropped and a goroutine releases.
func crawl(ctx context.Context, s *userprim.Weighted, urls []string, fetch func(string)) {
	for _, u := range urls {
		s.Acquire(ctx, 1) // want `userprim.Weighted.Acquire of s without checking its error: it fails when the context is done, and what follows runs as if it held s`
		go func() {
			defer s.Release(1)
			fetch(u)
		}()
	}
}

// Silent: a background context never fails.
func crawlBackground(s *userprim.Weighted, urls []string, fetch func(string)) {
	for _, u := range urls {
		s.Acquire(context.Background(), 1)
		go func() {
			defer s.Release(1)
			fetch(u)
		}()
	}
}

// Silent: a context without cancel is never done either.
func crawlWithoutCancel(ctx context.Context, s *userprim.Weighted, fetch func()) {
	s.Acquire(context.WithoutCancel(ctx), 1)
	go func() {
		defer s.Release(1)
		fetch()
	}()
}

// Silent: N acquires in one loop, N releases in another.
func acquireN(s *userprim.Weighted, n int) {
	for i := 0; i < n; i++ {
		s.Acquire(context.Background(), 1)
	}
	for i := 0; i < n; i++ {
		s.Release(1)
	}
}

// Silent: the loop probes and gives back; the last Release gives back
// the token the caller's goroutine took.
func drainProbe(s *userprim.Weighted, done chan struct{}) {
	for s.TryAcquire(1) {
		s.Release(1)
	}
	s.Release(1)
	close(done)
}

// Flagged: in a loop, a failed TryAcquire is followed by a Release.
func tryEach(s *userprim.Weighted, jobs []func()) {
	for _, j := range jobs {
		if !s.TryAcquire(1) {
			s.Release(1) // want `userprim.Weighted.Release of s after userprim.Weighted.TryAcquire failed`
			continue
		}
		j()
		s.Release(1)
	}
}

// Silent: an acquire left to block until cancelled, its error unneeded:
// nothing releases after it.
func park(ctx context.Context, s *userprim.Weighted) {
	go func() {
		s.Acquire(ctx, 10)
	}()
}

// Silent: the same inside an outer loop, as a benchmark writes it.
func acquireNTimes(s *userprim.Weighted, n, times int) {
	for t := 0; t < times; t++ {
		for i := 0; i < n; i++ {
			s.Acquire(context.Background(), 1)
		}
		for i := 0; i < n; i++ {
			s.Release(1)
		}
	}
}

// Flagged: a continue skips the release, and the acquire comes round
// again holding the token.
func skipRelease(s *userprim.Weighted, jobs []func() bool) {
	for _, j := range jobs {
		s.Acquire(context.Background(), 1) // want `userprim.Weighted.Acquire of s is not released on the return`
		if !j() {
			continue
		}
		s.Release(1)
	}
}
