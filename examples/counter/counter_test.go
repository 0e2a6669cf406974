package counter

import (
	"sync"
	"testing"
)

func TestConcurrentHits(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Hit()
		}()
	}
	wg.Wait()
	if got := c.Value(); got != 2 {
		t.Errorf("Value = %d after 2 hits, want 2", got)
	}
}
