package b75

import "sync"

func Parallel(n int, f func(int) error) error {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			err := f(i)
			if err != nil {
				errs <- err
				return // BUG
			}
			wg.Done()
		}(i)
	}
	wg.Wait()
	close(errs)
	return <-errs
}
