package golden

import (
	"sync"
	"testing"
)

func TestWrapped(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	mu.Unlock()
}

func TestParallel(t *testing.T) {
	t.Parallel()
	ch := make(chan int, 1)
	ch <- 1
	<-ch
}

func TestSubtests(t *testing.T) {
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done() }()
			wg.Wait()
		})
	}
}

func TestParallelSubtests(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ch := make(chan int, 1)
			ch <- 1
		})
	}
}

func TestReports(t *testing.T) {
	n := 1
	if n != 1 {
		t.Errorf("n = %d", n)
		t.Fatal("stop")
	}
	helper(t)
	t.Log("logs print in the first run only")
}

func TestUnnamed(*testing.T) {}

func helper(t *testing.T) { t.Helper() }

func BenchmarkNotWrapped(b *testing.B) {}
