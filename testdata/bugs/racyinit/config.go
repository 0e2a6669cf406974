// Package racyinit loads a configuration once, lazily.
package racyinit

import "sync"

// Config is loaded on first use.
type Config struct {
	mu     sync.Mutex
	loaded bool
	values map[string]string
}

// Get returns a value, loading the configuration first if needed. The fast
// path reads loaded without the lock that guards its write: a data race,
// when one goroutine loads while another reads.
func (c *Config) Get(key string) string {
	if c.loaded { // bug: unsynchronized read
		return c.values[key]
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		c.values = map[string]string{"mode": "fast"}
		c.loaded = true
	}
	return c.values[key]
}
