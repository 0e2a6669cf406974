package ok05

import (
	"context"

	"golang.org/x/sync/semaphore"
)

type Uploader struct {
	sem *semaphore.Weighted
}

func (u *Uploader) Upload(ctx context.Context, data []byte) error {
	if err := u.sem.Acquire(ctx, 2); err != nil {
		return err
	}
	defer u.sem.Release(2)
	_ = data
	return nil
}

func (u *Uploader) TryUpload(data []byte) bool {
	if !u.sem.TryAcquire(1) {
		return false
	}
	defer u.sem.Release(1)
	_ = data
	return true
}
