package b12

import "sync"

type Stats struct {
	mu    sync.Mutex
	count int
}

func (s Stats) Count() int { // BUG: value receiver copies the mutex
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}
