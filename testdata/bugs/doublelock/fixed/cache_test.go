package doublelock

import (
	"sync"
	"testing"
)

func TestSetWhileSubscribing(t *testing.T) {
	c := New()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.Subscribe(func(int) {}) }()
	go func() { defer wg.Done(); c.Set("a", 1) }()
	wg.Wait()
	if c.Len() != 1 {
		t.Errorf("Len = %d, want 1", c.Len())
	}
}
