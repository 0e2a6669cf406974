package fix

import (
	"errors"
	"sync"
)

type store struct {
	mu     sync.Mutex
	rw     sync.RWMutex
	closed bool
	m      map[string]int
}

var errClosed = errors.New("closed")

func (s *store) get(k string) (int, error) {
	s.mu.Lock() // want `not released on the return`
	if s.closed {
		return 0, errClosed
	}
	v := s.m[k]
	s.mu.Unlock()
	return v, nil
}

func (s *store) read(k string) int {
	s.rw.RLock() // want `not released on the return`
	if s.closed {
		return 0
	}
	if v, ok := s.m[k]; ok {
		s.rw.RUnlock()
		return v
	}
	s.rw.RUnlock()
	return -1
}

// No fix: the unlock is not followed by a return, so moving it would
// run more code under the lock.
func (s *store) notFollowed(k string) int {
	s.mu.Lock() // want `not released on the return`
	if s.closed {
		return 0
	}
	v := s.m[k]
	s.mu.Unlock()
	v++
	return v
}
