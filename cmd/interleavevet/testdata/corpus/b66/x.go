package b66

import "sync"

func FetchAll(urls []string, fetch func(string) error) []error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			if err := fetch(u); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return // BUG: wg.Done is skipped on the error path
			}
			wg.Done()
		}(u)
	}
	wg.Wait()
	return errs
}
