package ok35

import (
	"context"
	"sync"
)

type Gate struct {
	mu   sync.Mutex
	wait chan struct{}
}

// Wait takes the channel under the lock and waits outside it.
func (g *Gate) Wait(ctx context.Context) error {
	g.mu.Lock()
	ch := g.wait
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
