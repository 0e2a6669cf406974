package b01

import (
	"errors"
	"sync"
)

type Store struct {
	mu   sync.Mutex
	data map[string]string
}

func (s *Store) Put(k, v string) error {
	s.mu.Lock()
	if k == "" {
		return errors.New("empty key") // BUG: returns with s.mu held
	}
	s.data[k] = v
	s.mu.Unlock()
	return nil
}
