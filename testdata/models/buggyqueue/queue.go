// Package buggyqueue is a FIFO queue of ints with a bug that shows only on
// some interleavings: Put reserves a slot at the tail in one critical
// section and fills it in a second, so that the value it copies is not
// written under the reservation's lock (in a real queue, a copy that can
// be slow). TryGet takes the oldest filled slot, passing over slots that
// are reserved but not filled yet, and Len counts the reserved ones.
//
// Each step looks right alone, and a test that only puts and gets passes.
// But once Len has counted a Put's reservation, that Put has taken effect,
// and while it copies, TryGet can report the queue empty, or return a
// value put after it: no FIFO queue does either. See fixed for the twin
// that fills the slot under the reservation's lock.
package buggyqueue

import "sync"

// Queue is a first-in-first-out queue of ints. The zero Queue is empty.
type Queue struct {
	mu    sync.Mutex
	slots []slot // slots[i] is the i-th value ever put
	head  int    // slots before head are all taken
}

type slot struct {
	v            int
	filled, gone bool
}

// Put adds v at the tail.
func (q *Queue) Put(v int) {
	q.mu.Lock()
	i := len(q.slots)
	q.slots = append(q.slots, slot{})
	q.mu.Unlock()

	q.mu.Lock()
	q.slots[i] = slot{v: v, filled: true}
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
