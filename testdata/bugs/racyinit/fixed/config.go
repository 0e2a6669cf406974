// Package racyinit loads a configuration once, lazily.
package racyinit

import "sync"

// Config is loaded on first use.
type Config struct {
	once   sync.Once
	values map[string]string
}

// Get returns a value, loading the configuration first if needed.
func (c *Config) Get(key string) string {
	c.once.Do(func() { c.values = map[string]string{"mode": "fast"} })
	return c.values[key]
}
