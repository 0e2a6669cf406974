package b59

import "sync"

type Set struct {
	mu sync.RWMutex
	m  map[string]bool
}

func (s *Set) Remove(k string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.m[k] {
		s.mu.RUnlock()
		s.mu.Lock()
		delete(s.m, k)
		s.mu.Unlock() // BUG: the deferred RUnlock then releases an unlocked lock
	}
}
