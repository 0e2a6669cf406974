package b24

import "sync"

type Semaphore struct {
	mu    sync.Mutex
	cond  *sync.Cond
	avail int
}

func New(n int) *Semaphore {
	s := &Semaphore{avail: n}
	s.cond = sync.NewCond(&s.mu)
	return s
}

func (s *Semaphore) Acquire() {
	s.mu.Lock()
	for s.avail == 0 {
		s.cond.Wait()
	}
	s.avail--
	s.mu.Unlock()
}

func (s *Semaphore) Release() {
	s.mu.Lock()
	s.avail++
	s.mu.Unlock()
	s.cond.Signal()
}

func Handle(s *Semaphore, ok bool) error {
	s.Acquire()
	if !ok {
		return nil // BUG: slot never released
	}
	s.Release()
	return nil
}
