package b46

import "sync"

type T struct {
	mu sync.Mutex
	n  int
}

func (t *T) lock() { t.mu.Lock() }

func (t *T) Exec(v int) int {
	t.lock()
	if v < 0 {
		return 0 // BUG
	}
	t.n = v
	t.mu.Unlock()
	return v
}
