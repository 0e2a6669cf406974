package b64

import "sync"

type Store struct {
	mu   sync.Mutex
	data map[string]string
}

func (s *Store) Update(k, v string) {
	s.mu.Lock()
	if s.data == nil {
		panic("store not initialised") // BUG? panics with the lock held, recovered by the HTTP server
	}
	s.data[k] = v
	s.mu.Unlock()
}
