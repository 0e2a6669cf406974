package abba

import (
	"sync"
	"testing"
)

func TestTransfers(t *testing.T) {
	a, b := &Account{balance: 100}, &Account{balance: 100}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); Transfer(a, b, 10) }()
	go func() { defer wg.Done(); Transfer(b, a, 20) }()
	wg.Wait()
	if got := a.Balance() + b.Balance(); got != 200 {
		t.Errorf("total = %d, want 200", got)
	}
}
