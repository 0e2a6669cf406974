package b55

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

type Batch struct {
	mu   sync.Mutex
	jobs []func() error
}

func (b *Batch) Flush(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	g, _ := errgroup.WithContext(ctx)
	for _, j := range b.jobs {
		g.Go(j)
	}
	return g.Wait() // BUG: waits for the jobs under the lock
}
