package b28

import "sync"

type Worker struct {
	mu      sync.Mutex
	results chan int
}

func (w *Worker) Finish(v int) {
	w.mu.Lock()
	w.results <- v // BUG
	w.mu.Unlock()
}
