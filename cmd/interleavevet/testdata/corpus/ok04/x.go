package ok04

import "sync"

type Account struct {
	id      int
	mu      sync.Mutex
	balance int
}

// Transfer locks in id order, so two transfers never deadlock.
func Transfer(from, to *Account, n int) {
	first, second := from, to
	if to.id < from.id {
		first, second = to, from
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	from.balance -= n
	to.balance += n
}
