package accounts

import (
	"sync"
	"testing"
)

func TestTransfersBothWays(t *testing.T) {
	a, b := NewAccount(1, 100), NewAccount(2, 100)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); Transfer(a, b, 30) }()
	go func() { defer wg.Done(); Transfer(b, a, 20) }()
	wg.Wait()
	if a.Balance() != 90 || b.Balance() != 110 {
		t.Errorf("balances %d and %d, want 90 and 110", a.Balance(), b.Balance())
	}
}
