package ok46

import (
	"context"
	"sync"
	"time"
)

type Heartbeat struct {
	mu   sync.Mutex
	last time.Time
}

func (h *Heartbeat) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			h.mu.Lock()
			h.last = now
			h.mu.Unlock()
		}
	}
}
