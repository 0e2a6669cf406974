package racyinit

import (
	"sync"
	"testing"
)

func TestConcurrentGet(t *testing.T) {
	var c Config
	var wg sync.WaitGroup
	wg.Add(2)
	for range 2 {
		go func() {
			defer wg.Done()
			if got := c.Get("mode"); got != "fast" {
				t.Errorf("Get(mode) = %q, want fast", got)
			}
		}()
	}
	wg.Wait()
}
