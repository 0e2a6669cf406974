// Package counter counts hits from many goroutines.
package counter

import "sync/atomic"

// Counter counts hits.
type Counter struct{ n atomic.Int64 }

// Hit adds one, in one atomic step.
func (c *Counter) Hit() { c.n.Add(1) }

// Value returns the hits so far.
func (c *Counter) Value() int64 { return c.n.Load() }
