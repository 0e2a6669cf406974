package ok49

import (
	"sync"
	"sync/atomic"
)

type Stats struct {
	mu     sync.Mutex
	counts map[string]int
	total  atomic.Int64
}

func (s *Stats) Add(k string) {
	s.total.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = make(map[string]int)
	}
	s.counts[k]++
}

func (s *Stats) Copy() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}
