package inventory

import (
	"sync"
	"testing"
)

func TestNoOverselling(t *testing.T) {
	inv := New(3)
	var wg sync.WaitGroup
	sold := make(chan int, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if inv.Order(2) == nil {
				sold <- 2
			}
		}()
	}
	wg.Wait()
	close(sold)
	total := 0
	for n := range sold {
		total += n
	}
	if total > 3 || inv.Stock() < 0 {
		t.Errorf("sold %d of 3 items, %d left", total, inv.Stock())
	}
}
