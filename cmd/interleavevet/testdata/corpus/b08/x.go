package b08

import "sync"

type Pool struct {
	mu      sync.Mutex
	wg      sync.WaitGroup
	workers int
}

func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.workers = 0
	p.wg.Wait() // BUG: workers need p.mu to finish
}

func (p *Pool) Work() {
	defer p.wg.Done()
	p.mu.Lock()
	p.workers--
	p.mu.Unlock()
}
