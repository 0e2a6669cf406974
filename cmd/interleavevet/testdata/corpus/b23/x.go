package b23

import "sync"

type Tree struct {
	mu    sync.RWMutex
	nodes map[int][]int
}

func (t *Tree) Children(id int) []int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.nodes[id]
}

func (t *Tree) Size(id int) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := 1
	for _, c := range t.Children(id) { // BUG: recursive read lock, deadlocks with a waiting writer
		n += t.Size(c)
	}
	return n
}
