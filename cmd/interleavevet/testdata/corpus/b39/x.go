package b39

import "sync"

func ProcessAll(items []string, f func(string)) {
	var wg sync.WaitGroup
	for _, it := range items {
		go func(it string) {
			wg.Add(1) // BUG: Add in the goroutine races with Wait
			defer wg.Done()
			f(it)
		}(it)
	}
	wg.Wait()
}
