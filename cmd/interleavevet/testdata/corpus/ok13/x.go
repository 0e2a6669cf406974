package ok13

import (
	"context"
	"sync"
)

type Hub struct {
	mu   sync.Mutex
	subs map[int]chan int
}

// Publish sends with the lock released, and gives up with the context.
func (h *Hub) Publish(ctx context.Context, id, v int) error {
	h.mu.Lock()
	ch, ok := h.subs[id]
	h.mu.Unlock()
	if !ok {
		return nil
	}
	select {
	case ch <- v:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
