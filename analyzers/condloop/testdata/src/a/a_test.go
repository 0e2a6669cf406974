package a

import (
	"sync"
	"testing"
)

// Silent: a test waits once for the Signal it sends.
func TestSignal(t *testing.T) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	mu.Lock()
	go func() {
		mu.Lock()
		c.Signal()
		mu.Unlock()
	}()
	c.Wait()
	mu.Unlock()
}

// Flagged: even in a test, if instead of for.
func TestIf(t *testing.T) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ready := false
	mu.Lock()
	if !ready {
		c.Wait() // want `sync.Cond.Wait not in a loop`
	}
	mu.Unlock()
}
