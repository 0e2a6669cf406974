package ok45

import "sync"

type Tree struct {
	mu    sync.RWMutex
	nodes map[int][]int
}

func (t *Tree) Size(id int) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.sizeLocked(id)
}

func (t *Tree) sizeLocked(id int) int {
	n := 1
	for _, c := range t.nodes[id] {
		n += t.sizeLocked(c)
	}
	return n
}
