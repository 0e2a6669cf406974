package b76

import "sync"

type Counter struct {
	sync.Mutex
	hits map[string]int
}

func (c *Counter) Hit(page string) {
	c.Lock()
	c.hits[page]++
	c.Unlock()
}

func Snapshot(c Counter) map[string]int { // BUG: copies the mutex
	c.Lock()
	defer c.Unlock()
	out := map[string]int{}
	for k, v := range c.hits {
		out[k] = v
	}
	return out
}
