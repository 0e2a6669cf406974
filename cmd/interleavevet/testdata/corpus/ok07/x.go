package ok07

import (
	"sync"
	"time"
)

type Limiter struct {
	mu   sync.Mutex
	next time.Time
}

// Wait reserves a slot under the lock and sleeps outside it.
func (l *Limiter) Wait() {
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(time.Second)
	l.mu.Unlock()
	time.Sleep(time.Until(at))
}
