package b79

import "sync"

type Session struct {
	mu     sync.Mutex
	closed bool
	out    chan string
}

func (s *Session) Send(msg string) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	s.out <- msg
	s.mu.Unlock() // BUG: second unlock
	return nil
}
