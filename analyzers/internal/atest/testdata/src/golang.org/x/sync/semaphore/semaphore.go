// Package semaphore is a stub of golang.org/x/sync/semaphore for the
// analyzers' tests.
package semaphore

import (
	"context"
	"sync"
)

type Weighted struct {
	size int64
	mu   sync.Mutex
}

func NewWeighted(n int64) *Weighted                            { return &Weighted{size: n} }
func (s *Weighted) Acquire(ctx context.Context, n int64) error { return nil }
func (s *Weighted) TryAcquire(n int64) bool                    { return true }
func (s *Weighted) Release(n int64)                            {}
