// Package fixed is the twin of buggyqueue with the bug fixed: Put
// reserves and fills its slot in one critical section, so the slots are
// filled in the order they are reserved and TryGet never passes one over.
package fixed

import "sync"

// Queue is a first-in-first-out queue of ints. The zero Queue is empty.
type Queue struct {
	mu    sync.Mutex
	slots []slot
	head  int
}

type slot struct {
	v            int
	filled, gone bool
}

// Put adds v at the tail.
func (q *Queue) Put(v int) {
	q.mu.Lock()
	q.slots = append(q.slots, slot{v: v, filled: true})
	q.mu.Unlock()
}

// TryGet takes the value at the head, if there is one.
func (q *Queue) TryGet() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := q.head; i < len(q.slots); i++ {
		if s := &q.slots[i]; s.filled && !s.gone {
			s.gone = true
			for q.head < len(q.slots) && q.slots[q.head].gone {
				q.head++
			}
			return s.v, true
		}
	}
	return 0, false
}

// Len returns the number of values in the queue.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, s := range q.slots[q.head:] {
		if !s.gone {
			n++
		}
	}
	return n
}
