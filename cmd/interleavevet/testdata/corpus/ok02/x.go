package ok02

import "sync"

type Server struct {
	mu      sync.Mutex
	clients map[int]chan string
}

// Broadcast copies the subscribers under the lock and sends outside it.
func (s *Server) Broadcast(msg string) {
	s.mu.Lock()
	subs := make([]chan string, 0, len(s.clients))
	for _, c := range s.clients {
		subs = append(subs, c)
	}
	s.mu.Unlock()
	for _, c := range subs {
		c <- msg
	}
}

// TryNotify never blocks.
func (s *Server) TryNotify(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.clients {
		select {
		case c <- msg:
		default:
		}
	}
}
