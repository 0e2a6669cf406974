// Package accounts transfers money between accounts.
package accounts

import "sync"

// Account is a bank account.
type Account struct {
	ID      int
	mu      sync.Mutex
	balance int
}

// NewAccount returns an account with a balance.
func NewAccount(id, balance int) *Account { return &Account{ID: id, balance: balance} }

// Transfer moves amount between accounts, locking the account with the
// lower ID first whatever the direction, so that no two transfers wait for
// each other.
func Transfer(from, to *Account, amount int) {
	first, second := from, to
	if to.ID < from.ID {
		first, second = to, from
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
