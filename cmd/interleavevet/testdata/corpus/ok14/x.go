package ok14

import "sync"

type Cache struct {
	mu sync.Mutex
	m  map[string]int
}

// lock and unlock wrap the mutex for callers that batch updates.
func (c *Cache) lock()   { c.mu.Lock() }
func (c *Cache) unlock() { c.mu.Unlock() }

func (c *Cache) Batch(keys []string) {
	c.lock()
	defer c.unlock()
	for _, k := range keys {
		c.m[k]++
	}
}
