package ok08

import "sync"

type Table struct {
	mu sync.Mutex
	m  map[string]int
}

// lockedGet must be called with t.mu held.
func (t *Table) lockedGet(k string) int { return t.m[k] }

func (t *Table) Get(k string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lockedGet(k)
}

func (t *Table) Update(keys []string) {
	for _, k := range keys {
		t.mu.Lock()
		if _, ok := t.m[k]; ok {
			t.mu.Unlock()
			continue
		}
		t.m[k] = 1
		t.mu.Unlock()
	}
}
