package b44

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Add(d int) {
	c.mu.Lock()
	c.n += d
	c.mu.Lock() // BUG: Lock twice
}
