package b63

import (
	"context"

	"golang.org/x/sync/semaphore"
)

type Crawler struct {
	sem *semaphore.Weighted
}

func (c *Crawler) Fetch(ctx context.Context, urls []string) {
	for _, u := range urls {
		c.sem.Acquire(ctx, 1) // BUG: error ignored, then released
		go func(u string) {
			defer c.sem.Release(1)
			_ = u
		}(u)
	}
}
