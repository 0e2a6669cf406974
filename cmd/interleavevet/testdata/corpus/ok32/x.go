package ok32

import "sync"

type Account struct {
	mu  sync.Mutex
	bal int
}

func lockBoth(a, b *Account) func() {
	if a == b {
		a.mu.Lock()
		return a.mu.Unlock
	}
	first, second := a, b
	if b.bal < a.bal {
		first, second = b, a
	}
	first.mu.Lock()
	second.mu.Lock()
	return func() {
		second.mu.Unlock()
		first.mu.Unlock()
	}
}
