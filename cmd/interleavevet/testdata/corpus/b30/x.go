package b30

import "sync"

type Map struct {
	mu sync.RWMutex
	m  map[string]int
}

func (m *Map) Incr(k string) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	m.mu.Lock() // BUG: upgrade while read-locked deadlocks
	m.m[k]++
	m.mu.Unlock()
}
