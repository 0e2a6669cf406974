package b41

import (
	"errors"
	"sync"
)

type Tx struct {
	mu     sync.Mutex
	closed bool
}

// begin locks the transaction for the caller.
func (t *Tx) begin() error {
	t.mu.Lock()
	if t.closed {
		return errors.New("closed") // BUG: error path keeps the lock; callers return without Unlock
	}
	return nil
}

func (t *Tx) Exec() error {
	if err := t.begin(); err != nil {
		return err
	}
	defer t.mu.Unlock()
	return nil
}
