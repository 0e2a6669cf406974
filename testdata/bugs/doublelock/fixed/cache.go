// Package doublelock is a cache that tells a subscriber about changes.
package doublelock

import "sync"

// Cache maps keys to values.
type Cache struct {
	mu       sync.Mutex
	data     map[string]int
	onChange func(size int)
}

// New returns an empty cache.
func New() *Cache { return &Cache{data: make(map[string]int)} }

// Subscribe sets the function told of every change.
func (c *Cache) Subscribe(f func(size int)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onChange = f
}

// Set stores a value and tells the subscriber the new size, which it
// reads itself rather than through Len, whose lock it holds.
func (c *Cache) Set(k string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data[k] = v
	if c.onChange != nil {
		c.onChange(len(c.data))
	}
}

// Len returns the number of keys.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.data)
}
