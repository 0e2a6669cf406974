package ok24

import "sync"

type Queue struct {
	mu    sync.Mutex
	items []int
}

// Drain hands the items over on a channel with room for all of them.
func (q *Queue) Drain() <-chan int {
	q.mu.Lock()
	defer q.mu.Unlock()
	ch := make(chan int, len(q.items))
	for _, it := range q.items {
		ch <- it
	}
	close(ch)
	q.items = nil
	return ch
}
