package b65

import "sync"

type Cache struct {
	mu sync.Mutex
	m  map[int]int
}

func (c *Cache) GetOrCompute(k int, f func(int) int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.m[k]; ok {
		return v
	}
	v := f(k)
	c.Set(k, v) // BUG: Set locks c.mu
	return v
}

func (c *Cache) Set(k, v int) {
	c.mu.Lock()
	c.m[k] = v
	c.mu.Unlock()
}
