package b42

import "sync"

type Cache struct {
	mu    sync.RWMutex
	items map[string]string
}

func (c *Cache) Get(k string) string {
	c.mu.RLock()
	v, ok := c.items[k]
	if !ok {
		return "" // BUG: RLock not released
	}
	c.mu.RUnlock()
	return v
}
