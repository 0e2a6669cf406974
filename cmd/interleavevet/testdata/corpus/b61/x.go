package b61

import "sync"

type Pool struct {
	mu   sync.Mutex
	free []int
}

func (p *Pool) Get() int {
	p.mu.Lock()
	if len(p.free) == 0 {
		p.mu.Unlock()
		return -1
	}
	v := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	p.mu.Unlock()
	p.mu.Unlock() // BUG: double unlock
	return v
}
