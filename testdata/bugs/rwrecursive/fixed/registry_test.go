package rwrecursive

import (
	"sync"
	"testing"
)

func TestLookupWhileAdding(t *testing.T) {
	r := New()
	r.Add("a", 1)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); r.Add("b", 2) }()
	go func() {
		defer wg.Done()
		if id, ok := r.Lookup("a"); !ok || id != 1 {
			t.Errorf("Lookup(a) = %d, %v", id, ok)
		}
	}()
	wg.Wait()
}
