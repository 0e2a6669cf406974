package a

import "sync"

// Releases of a lock that nobody can hold at that point.

type Stack struct {
	mu    sync.Mutex
	items []int
}

// Push adds v on top. (Flagged: the two calls on s.mu are the wrong
// way round, and no caller can take s.mu for it.)
func (s *Stack) Push(v int) {
	s.mu.Unlock() // want `sync.Mutex.Unlock of s.mu in Push, which takes no lock first and no caller can lock for it: unlock of unlocked mutex is a fatal error`
	s.items = append(s.items, v)
	s.mu.Lock()
}

type Batch struct {
	mu sync.Mutex
	n  int
}

// Begin returns holding b.mu, for Commit to release. Silent, both.
func (b *Batch) Begin() { b.mu.Lock() }

// Commit releases what Begin took.
func (b *Batch) Commit() {
	b.n++
	b.mu.Unlock()
}

type Queue2 struct {
	mu    sync.Mutex
	items []int
	ready chan struct{}
}

// Wait drops the lock its callers hold while it waits. Silent: the
// package calls it with q.mu held.
func (q *Queue2) Wait() {
	q.mu.Unlock()
	<-q.ready
	q.mu.Lock()
}

func (q *Queue2) Take() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// Shared embeds its mutex: other packages lock it themselves.
type Shared struct {
	sync.Mutex
	n int
}

// Bump must be called locked. Silent.
func (s *Shared) Bump() {
	s.n++
	s.Unlock()
}

// Silent: a lock handed to a goroutine, which releases it.
func (s *Stack) handOff() {
	s.mu.Lock()
	go func() {
		s.items = nil
		s.mu.Unlock()
	}()
}
