package b78

import "sync"

type Pipe struct {
	mu   sync.Mutex
	cond *sync.Cond
	buf  []byte
}

func NewPipe() *Pipe {
	p := &Pipe{}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *Pipe) Read() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) == 0 {
		p.cond.Wait() // BUG
	}
	b := p.buf
	p.buf = nil
	return b
}
