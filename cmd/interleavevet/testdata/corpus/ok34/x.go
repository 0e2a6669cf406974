package ok34

import "sync"

type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

// Incr returns the new count; the lock is always released.
func (c *Counter) Incr(k string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		return 0, false
	}
	c.n[k]++
	return c.n[k], true
}

// Reset is called with no lock held.
func (c *Counter) Reset() {
	c.mu.Lock()
	c.n = map[string]int{}
	c.mu.Unlock()
}
