package b43

import (
	"sync"
	"time"
)

type Ticker struct {
	mu    sync.Mutex
	ticks int
	stop  chan bool
}

func (t *Ticker) Run() {
	for {
		t.mu.Lock()
		select {
		case <-t.stop: // BUG: waits with t.mu held
			t.mu.Unlock()
			return
		case <-time.After(time.Second):
			t.ticks++
		}
		t.mu.Unlock()
	}
}
