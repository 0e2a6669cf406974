package b06

import "sync"

type Server struct {
	mu      sync.Mutex
	clients map[int]chan string
	events  chan string
}

func (s *Server) Broadcast(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.clients {
		c <- msg // BUG: unbuffered send while holding the lock
	}
}
