package b // want package:`\d+ pairs`

import "a"

// Flagged: Mu then Registry.mu through a.Registry.Sync's fact... no:
// Sync takes Registry.mu then Mu; here Mu is held while Sync takes
// Registry.mu.
func Refresh(r *a.Registry) { // want Refresh:`acquires\(.*\)`
	a.Mu.Lock()
	defer a.Mu.Unlock()
	r.Sync() // want `a.Registry.mu acquired while holding a.Mu, but a.Registry.Sync \(a.go:\d+\) acquires them in the opposite order`
}

// Silent: Mu then Account.mu is the order package a uses nowhere else.
func Credit(x *a.Account) { // want Credit:`acquires\(.*\)`
	a.Mu.Lock()
	defer a.Mu.Unlock()
	x.Deposit(1)
}

// Silent: directive.
func RefreshIgnored(r *a.Registry) { // want RefreshIgnored:`acquires\(.*\)`
	a.Mu.Lock()
	defer a.Mu.Unlock()
	r.Sync() //interleavevet:ignore lockorder Sync is only called at init
}
