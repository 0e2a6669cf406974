package b74

import "sync"

type Config struct {
	mu   sync.RWMutex
	data map[string]string
}

func (c *Config) Get(k string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.data[k]
}

func (c *Config) GetAll(keys []string) map[string]string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := map[string]string{}
	for _, k := range keys {
		out[k] = c.Get(k) // BUG: recursive RLock
	}
	return out
}
