// Package lostupdate keeps stock counts.
package lostupdate

import "sync"

// Stock counts items.
type Stock struct {
	mu    sync.Mutex
	count int
}

// Reserve takes n items if there are enough. It checks and updates in two
// critical sections: two reservations can both see enough stock.
func (s *Stock) Reserve(n int) bool {
	s.mu.Lock()
	enough := s.count >= n
	s.mu.Unlock()
	if !enough {
		return false
	}
	s.mu.Lock()
	s.count -= n
	s.mu.Unlock()
	return true
}

// Count returns the items left.
func (s *Stock) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}
