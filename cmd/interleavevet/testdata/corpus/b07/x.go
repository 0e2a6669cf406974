package b07

import (
	"sync"
	"time"
)

type Limiter struct {
	mu   sync.Mutex
	last time.Time
}

func (l *Limiter) Wait() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if d := time.Since(l.last); d < time.Second {
		time.Sleep(time.Second - d) // BUG
	}
	l.last = time.Now()
}
