package ok48

import "sync"

type Pool struct {
	mu    sync.Mutex
	items chan []byte
}

func New(n int) *Pool { return &Pool{items: make(chan []byte, n)} }

func (p *Pool) Put(b []byte) {
	select {
	case p.items <- b:
	default:
	}
}

func (p *Pool) Get() []byte {
	select {
	case b := <-p.items:
		return b
	default:
		return make([]byte, 0, 1024)
	}
}
