package b54

import "sync"

type S struct {
	mu sync.Mutex
	n  int
}

func (s *S) Run() {
	var wg sync.WaitGroup
	s.mu.Lock()
	defer s.mu.Unlock()
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.mu.Lock()
		s.n++
		s.mu.Unlock()
	}()
	wg.Wait() // BUG: the goroutine needs s.mu
}
