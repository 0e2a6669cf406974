package b14

import (
	"context"

	"golang.org/x/sync/semaphore"
)

type Uploader struct {
	sem *semaphore.Weighted
}

func (u *Uploader) Upload(ctx context.Context, data []byte) error {
	if err := u.sem.Acquire(ctx, 1); err != nil {
		u.sem.Release(1) // BUG: released after a failed acquire
		return err
	}
	defer u.sem.Release(1)
	_ = data
	return nil
}
