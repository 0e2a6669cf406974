package ok21

import "sync"

type Latch struct {
	mu   sync.Mutex
	cond *sync.Cond
	open bool
}

func New() *Latch {
	l := &Latch{}
	l.cond = sync.NewCond(&l.mu)
	return l
}

func (l *Latch) Open() {
	l.mu.Lock()
	l.open = true
	l.mu.Unlock()
	l.cond.Broadcast()
}

func (l *Latch) Wait() {
	l.mu.Lock()
	for !l.open {
		l.cond.Wait()
	}
	l.mu.Unlock()
}
