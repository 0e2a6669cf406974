package b02

import "sync"

type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *Counter) Inc(kind string) int {
	c.mu.Lock()
	switch kind {
	case "a":
		c.n["a"]++
	case "b":
		c.n["b"]++
		return c.n["b"] // BUG
	}
	v := c.n[kind]
	c.mu.Unlock()
	return v
}
