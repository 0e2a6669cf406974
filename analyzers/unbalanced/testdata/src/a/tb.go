package a

import (
	"sync"
	"testing"
)

type queue struct {
	mu    sync.Mutex
	items []int
}

// Silent: Fatalf through testing.TB does not return.
func (q *queue) first(tb testing.TB) int {
	q.mu.Lock()
	if len(q.items) == 0 {
		q.mu.Unlock()
		tb.Fatalf("empty")
	}
	v := q.items[0]
	q.mu.Unlock()
	return v
}
