package b16

import "sync"

type Cache struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *Cache) Refresh(keys []string) {
	for _, k := range keys {
		c.mu.Lock()
		defer c.mu.Unlock() // BUG: the second iteration locks again
		c.m[k]++
	}
}
