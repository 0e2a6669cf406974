// Package primitives is a stub of the reference primitives for the
// analyzers' tests: the API without the behaviour.
package primitives

import "context"

type Lock struct{ ch chan struct{} }

func (l *Lock) Lock(ctx context.Context) error { return nil }
func (l *Lock) TryLock() bool                  { return true }
func (l *Lock) Unlock()                        {}

type RWLock struct{ ch chan struct{} }

func (l *RWLock) Lock(ctx context.Context) error  { return nil }
func (l *RWLock) RLock(ctx context.Context) error { return nil }
func (l *RWLock) TryLock() bool                   { return true }
func (l *RWLock) TryRLock() bool                  { return true }
func (l *RWLock) Unlock()                         {}
func (l *RWLock) RUnlock()                        {}

type Semaphore struct{ ch chan struct{} }

func NewSemaphore(n int64) *Semaphore                           { return &Semaphore{} }
func (s *Semaphore) Acquire(ctx context.Context, n int64) error { return nil }
func (s *Semaphore) TryAcquire(n int64) bool                    { return true }
func (s *Semaphore) Release(n int64)                            {}

type BoundedSemaphore struct{ ch chan struct{} }

func (s *BoundedSemaphore) Acquire(ctx context.Context, n int64) error { return nil }
func (s *BoundedSemaphore) TryAcquire(n int64) bool                    { return true }
func (s *BoundedSemaphore) Release(n int64)                            {}

type Event struct{ ch chan struct{} }

func (e *Event) Set()                           {}
func (e *Event) Clear()                         {}
func (e *Event) IsSet() bool                    { return false }
func (e *Event) Wait(ctx context.Context) error { return nil }

type Condition struct {
	L  *Lock
	ch chan struct{}
}

func NewCondition(l *Lock) *Condition                                    { return &Condition{L: l} }
func (c *Condition) Wait(ctx context.Context) error                      { return nil }
func (c *Condition) WaitFor(ctx context.Context, pred func() bool) error { return nil }
func (c *Condition) Notify(n int)                                        {}
func (c *Condition) NotifyAll()                                          {}

type Queue[T any] struct{ ch chan T }

func (q *Queue[T]) Put(ctx context.Context, v T) error { return nil }
func (q *Queue[T]) Get(ctx context.Context) (T, error) { var z T; return z, nil }
func (q *Queue[T]) TryPut(v T) bool                    { return true }
func (q *Queue[T]) TryGet() (T, bool)                  { var z T; return z, false }

type Barrier struct{ ch chan struct{} }

func (b *Barrier) Wait(ctx context.Context) (int, error) { return 0, nil }

type Limiter struct{ ch chan struct{} }

func (l *Limiter) Wait(ctx context.Context) error { return nil }
