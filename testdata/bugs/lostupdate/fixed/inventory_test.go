package lostupdate

import (
	"sync"
	"testing"
)

func TestNoOversell(t *testing.T) {
	s := &Stock{count: 1}
	var wg sync.WaitGroup
	wg.Add(2)
	for range 2 {
		go func() { defer wg.Done(); s.Reserve(1) }()
	}
	wg.Wait()
	if s.Count() < 0 {
		t.Errorf("count = %d: oversold", s.Count())
	}
}
