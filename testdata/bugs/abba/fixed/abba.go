// Package abba moves money between accounts.
package abba

import "sync"

// Account is a bank account.
type Account struct {
	id      int
	mu      sync.Mutex
	balance int
}

// Transfer moves amount from one account to another, locking the account
// with the lower id first, whatever the direction.
func Transfer(from, to *Account, amount int) {
	first, second := from, to
	if second.id < first.id {
		first, second = second, first
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

// Balance returns the account's balance.
func (a *Account) Balance() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}
