package ok16

import "sync"

type Stats struct {
	mu    sync.Mutex
	count int
}

func (s *Stats) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

func (s *Stats) Snapshot() (n int) {
	if !s.mu.TryLock() {
		return -1
	}
	n = s.count
	s.mu.Unlock()
	return n
}
