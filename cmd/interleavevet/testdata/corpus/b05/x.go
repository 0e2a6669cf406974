package b05

import "sync"

type Account struct {
	mu      sync.Mutex
	balance int
}

func Transfer(from, to *Account, n int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= n
	to.balance += n
}

type Bank struct {
	savings, checking Account
}

func (b *Bank) Sweep() {
	b.savings.mu.Lock()
	b.checking.mu.Lock()
	b.savings.balance += b.checking.balance
	b.checking.balance = 0
	b.checking.mu.Unlock()
	b.savings.mu.Unlock()
}

func (b *Bank) Refill() {
	b.checking.mu.Lock() // BUG: order checking->savings, Sweep takes savings->checking
	b.savings.mu.Lock()
	b.checking.balance += 100
	b.savings.balance -= 100
	b.savings.mu.Unlock()
	b.checking.mu.Unlock()
}
