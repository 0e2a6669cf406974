package b15

import (
	"context"

	"golang.org/x/sync/semaphore"
)

var sem = semaphore.NewWeighted(10)

func Big(ctx context.Context) error {
	if err := sem.Acquire(ctx, 4); err != nil {
		return err
	}
	defer sem.Release(1) // BUG: acquired 4
	return nil
}
