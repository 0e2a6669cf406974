package b60

import (
	"sync"
	"time"
)

type Metrics struct {
	mu     sync.Mutex
	ticker *time.Ticker
	n      int
}

func (m *Metrics) Loop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for range m.ticker.C { // BUG: ranges over a ticker with the lock held
		m.n++
	}
}
