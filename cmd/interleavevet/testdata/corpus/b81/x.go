package b81

import (
	"context"
	"sync"

	"golang.org/x/sync/semaphore"
)

type Limiter struct {
	mu  sync.Mutex
	sem *semaphore.Weighted
}

func (l *Limiter) Run(ctx context.Context, f func()) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.sem.Acquire(ctx, 1); err != nil { // BUG: waits for a slot under the lock
		return err
	}
	defer l.sem.Release(1)
	f()
	return nil
}
