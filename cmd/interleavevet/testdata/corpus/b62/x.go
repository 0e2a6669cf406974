package b62

import "sync"

type Parent struct {
	mu       sync.Mutex
	children []*Child
}

type Child struct {
	mu     sync.Mutex
	parent *Parent
	n      int
}

func (p *Parent) Total() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := 0
	for _, c := range p.children {
		c.mu.Lock()
		t += c.n
		c.mu.Unlock()
	}
	return t
}

func (c *Child) Detach() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.parent.mu.Lock() // BUG: child then parent, Total takes parent then child
	c.parent.children = nil
	c.parent.mu.Unlock()
}
