package b56

import (
	"context"
	"sync"
)

type Lease struct {
	mu   sync.Mutex
	held bool
}

func (l *Lease) Hold(ctx context.Context) {
	l.mu.Lock()
	l.held = true
	<-ctx.Done() // BUG
	l.held = false
	l.mu.Unlock()
}
