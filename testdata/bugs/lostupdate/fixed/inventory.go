// Package lostupdate keeps stock counts.
package lostupdate

import "sync"

// Stock counts items.
type Stock struct {
	mu    sync.Mutex
	count int
}

// Reserve takes n items if there are enough, checking and updating in one
// critical section.
func (s *Stock) Reserve(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.count < n {
		return false
	}
	s.count -= n
	return true
}

// Count returns the items left.
func (s *Stock) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}
