package b71

import (
	"sync"
	"time"
)

type Retry struct {
	mu       sync.Mutex
	attempts int
}

func (r *Retry) Do(f func() error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error
	for i := 0; i < 3; i++ {
		if err = f(); err == nil {
			return nil
		}
		r.attempts++
		time.Sleep(time.Duration(i) * 100 * time.Millisecond) // BUG
	}
	return err
}
