package a

import (
	"sync"
	"time"
)

// A goroutine that skips WaitGroup.Done on one of its returns leaves the
// Wait for it blocked forever.

func fetchAll(urls []string, fetch func(string) error) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			if err := fetch(u); err != nil {
				return // want `sync.WaitGroup.Done of wg is not called on this return, though it is on others: a Wait for this goroutine blocks forever`
			}
			wg.Done()
		}(u)
	}
	wg.Wait()
}

// Silent: deferred, so every return calls it.
func fetchAllDeferred(urls []string, fetch func(string) error) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			if err := fetch(u); err != nil {
				return
			}
		}(u)
	}
	wg.Wait()
}

// Silent: one Done per item, in a loop.
func drain(items <-chan int, wg *sync.WaitGroup) {
	go func() {
		for range items {
			wg.Done()
		}
	}()
}

// Silent: the goroutine counts itself in, and out.
func selfCounted(wg *sync.WaitGroup, ready bool) {
	go func() {
		if !ready {
			return
		}
		wg.Add(1)
		time.Sleep(time.Millisecond)
		wg.Done()
	}()
}

// Silent: a for range over a ticker never ends; the only way out calls
// Done (nats-server's tests).
func tickUntil(done <-chan struct{}, wg *sync.WaitGroup) {
	go func() {
		for range time.NewTicker(time.Millisecond).C {
			select {
			case <-done:
				wg.Done()
				return
			default:
			}
		}
	}()
}

// Flagged: a counted loop does end.
func tickN(done <-chan struct{}, wg *sync.WaitGroup) {
	go func() {
		t := time.NewTicker(time.Millisecond)
		for i := 0; i < 10; i++ {
			select {
			case <-done:
				wg.Done()
				return
			case <-t.C:
			}
		}
	} /* want `sync.WaitGroup.Done of wg is not called on this return` */ ()
}
