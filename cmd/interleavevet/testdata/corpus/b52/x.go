package b52

import (
	"sync"
	"time"
)

type Poller struct {
	mu    sync.Mutex
	count int
}

func (p *Poller) Poll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-time.After(100 * time.Millisecond): // BUG: waits under the lock
		p.count++
	}
}
