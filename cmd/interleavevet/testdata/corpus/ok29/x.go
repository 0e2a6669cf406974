package ok29

import (
	"context"
	"sync"

	"golang.org/x/sync/semaphore"
)

func Run(ctx context.Context, jobs []func(), limit int64) error {
	sem := semaphore.NewWeighted(limit)
	var wg sync.WaitGroup
	for _, j := range jobs {
		if err := sem.Acquire(ctx, 1); err != nil {
			wg.Wait()
			return err
		}
		wg.Add(1)
		go func(j func()) {
			defer wg.Done()
			defer sem.Release(1)
			j()
		}(j)
	}
	wg.Wait()
	return nil
}
