package b29

import (
	"context"

	"golang.org/x/sync/semaphore"
)

func Fanout(ctx context.Context, jobs []func()) {
	sem := semaphore.NewWeighted(4)
	for _, j := range jobs {
		if !sem.TryAcquire(1) {
			sem.Release(1) // BUG: nothing was acquired
			continue
		}
		go func(j func()) {
			defer sem.Release(1)
			j()
		}(j)
	}
}
