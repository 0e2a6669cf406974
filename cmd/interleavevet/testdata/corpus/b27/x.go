package b27

import "sync"

type A struct {
	mu sync.Mutex
	b  *B
	n  int
}

type B struct {
	mu sync.Mutex
	a  *A
	n  int
}

func (a *A) Sync() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.b.mu.Lock()
	a.n = a.b.n
	a.b.mu.Unlock()
}

func (b *B) Sync() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.a.mu.Lock() // BUG: B then A, while A.Sync takes A then B
	b.n = b.a.n
	b.a.mu.Unlock()
}
