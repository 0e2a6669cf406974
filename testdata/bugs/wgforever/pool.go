// Package wgforever runs jobs on workers until one fails.
package wgforever

import (
	"errors"
	"sync"
)

// Run runs the jobs, one goroutine each, and returns the first error. A
// worker that sees a failure already recorded returns early and forgets
// wg.Done: Wait then waits for ever.
func Run(jobs []func() error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	wg.Add(len(jobs))
	for _, job := range jobs {
		go func() {
			mu.Lock()
			failed := first != nil
			mu.Unlock()
			if failed {
				return // bug: no wg.Done
			}
			defer wg.Done()
			if err := job(); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

var errJob = errors.New("job failed")
