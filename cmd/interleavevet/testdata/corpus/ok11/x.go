package ok11

import "sync"

type Conn struct {
	mu     sync.Mutex
	closed bool
	done   chan struct{}
}

// Close releases the lock before it waits.
func (c *Conn) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	<-c.done
}
