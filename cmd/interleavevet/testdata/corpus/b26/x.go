package b26

import "sync"

type Stack struct {
	mu    sync.Mutex
	items []int
}

func (s *Stack) Push(v int) {
	s.mu.Unlock() // BUG: unlock of an unlocked mutex (Lock/Unlock swapped)
	s.items = append(s.items, v)
	s.mu.Lock()
}
