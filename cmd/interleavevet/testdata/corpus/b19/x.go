package b19

import "sync"

type Conn struct {
	mu  sync.Mutex
	out chan []byte
}

func (c *Conn) send(b []byte) { c.out <- b }

func (c *Conn) Write(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.send(b) // BUG: the helper blocks on c.out
}
