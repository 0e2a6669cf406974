package ok15

import "sync"

type Queue struct {
	mu    sync.Mutex
	items []int
	ready chan struct{} // capacity 1: a wakeup signal
}

func New() *Queue { return &Queue{ready: make(chan struct{}, 1)} }

func (q *Queue) Put(v int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, v)
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

func (q *Queue) Get() int {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			v := q.items[0]
			q.items = q.items[1:]
			q.mu.Unlock()
			return v
		}
		q.mu.Unlock()
		<-q.ready
	}
}
