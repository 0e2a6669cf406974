package b03

import "sync"

type Queue struct {
	mu    sync.Mutex
	items []int
}

func (q *Queue) Pop() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		q.mu.Unlock() // BUG: double unlock with the defer
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}
