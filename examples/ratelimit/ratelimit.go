// Package ratelimit limits a rate with a bounded semaphore that a
// goroutine refills on a ticker.
package ratelimit

import (
	"context"
	"time"

	"github.com/interleave-go/interleave/primitives"
)

// Limiter hands out at most burst tokens, refilled one per tick.
type Limiter struct {
	burst int64
	sem   *primitives.BoundedSemaphore
	stop  chan struct{}
	done  chan struct{}
}

// New starts a limiter.
func New(burst int, every time.Duration) *Limiter {
	l := &Limiter{burst: int64(burst), sem: primitives.NewBoundedSemaphore(int64(burst)),
		stop: make(chan struct{}), done: make(chan struct{})}
	go l.refill(every)
	return l
}

// refill adds a token each tick if the bucket is not full. It checks, then
// releases: a token returned by Give in between overfills the bucket, and
// the bounded semaphore panics.
func (l *Limiter) refill(every time.Duration) {
	defer close(l.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if l.sem.Value() < l.burst {
				l.sem.Release(1)
			}
		case <-l.stop:
			return
		}
	}
}

// Take waits for a token.
func (l *Limiter) Take(ctx context.Context) error { return l.sem.Acquire(ctx, 1) }

// Give returns a token that was not used.
func (l *Limiter) Give() { l.sem.Release(1) }

// Stop stops the refill.
func (l *Limiter) Stop() {
	close(l.stop)
	<-l.done
}
