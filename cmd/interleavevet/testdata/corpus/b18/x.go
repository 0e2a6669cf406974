package b18

import (
	"context"
	"sync"
)

type Hub struct {
	mu   sync.Mutex
	subs []chan int
	in   chan int
}

func (h *Hub) Publish(ctx context.Context, v int) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	select { // BUG: waits for a reader or the context with h.mu held
	case h.in <- v:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
