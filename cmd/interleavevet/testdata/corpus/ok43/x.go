package ok43

import "sync"

type Pipe struct {
	mu   sync.Mutex
	cond *sync.Cond
	buf  []byte
	done bool
}

func NewPipe() *Pipe {
	p := &Pipe{}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *Pipe) Read() ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.buf) == 0 && !p.done {
		p.cond.Wait()
	}
	b := p.buf
	p.buf = nil
	return b, len(b) > 0
}

func (p *Pipe) Write(b []byte) {
	p.mu.Lock()
	p.buf = append(p.buf, b...)
	p.mu.Unlock()
	p.cond.Signal()
}
