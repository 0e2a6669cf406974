package b20

import "sync"

type entry struct{ v int }

type Table struct {
	mu sync.Mutex
	m  map[string]*entry
}

func (t *Table) lookup(k string) *entry {
	t.mu.Lock()
	if e, ok := t.m[k]; ok {
		return e // BUG: returns with t.mu held on a hit only
	}
	t.mu.Unlock()
	return nil
}
