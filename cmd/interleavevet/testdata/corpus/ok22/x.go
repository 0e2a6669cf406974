package ok22

import "sync"

func Process(items []int, workers int, f func(int) int) []int {
	in := make(chan int)
	var mu sync.Mutex
	var out []int
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range in {
				r := f(v)
				mu.Lock()
				out = append(out, r)
				mu.Unlock()
			}
		}()
	}
	for _, it := range items {
		in <- it
	}
	close(in)
	wg.Wait()
	return out
}
