package ok28

import "sync"

type Notifier struct {
	mu      sync.Mutex
	pending int
	wake    chan struct{}
}

func (n *Notifier) Add() {
	n.mu.Lock()
	n.pending++
	select {
	case n.wake <- struct{}{}:
	default:
	}
	n.mu.Unlock()
}
