package b04

import "sync"

type Config struct {
	mu   sync.RWMutex
	vals map[string]string
}

func (c *Config) Get(k string) string {
	c.mu.RLock()
	defer c.mu.Unlock() // BUG: RLock released with Unlock
	return c.vals[k]
}
