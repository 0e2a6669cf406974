package ok41

import (
	"sync"
	"time"
)

type Retry struct {
	mu       sync.Mutex
	attempts int
}

func (r *Retry) Do(f func() error) error {
	var err error
	for i := 0; i < 3; i++ {
		if err = f(); err == nil {
			return nil
		}
		r.mu.Lock()
		r.attempts++
		r.mu.Unlock()
		time.Sleep(time.Duration(i) * 100 * time.Millisecond)
	}
	return err
}
