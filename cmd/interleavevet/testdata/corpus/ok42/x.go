package ok42

import "sync"

type Stream struct {
	mu   sync.Mutex
	subs []chan []byte
}

func (s *Stream) Write(b []byte) (int, error) {
	s.mu.Lock()
	subs := append([]chan []byte(nil), s.subs...)
	s.mu.Unlock()
	for _, c := range subs {
		select {
		case c <- b:
		default:
		}
	}
	return len(b), nil
}
