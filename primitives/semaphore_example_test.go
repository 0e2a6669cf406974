package primitives_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/interleave-go/interleave/primitives"
)

// At most two workers at a time; a big job takes both permits.
func ExampleSemaphore() {
	s := primitives.NewSemaphore(2)
	ctx := context.Background()
	var (
		mu            sync.Mutex
		running, peak int64
		wg            sync.WaitGroup
	)
	for job := range 8 {
		weight := int64(1)
		if job == 4 {
			weight = 2
		}
		wg.Go(func() {
			if err := s.Acquire(ctx, weight); err != nil {
				return
			}
			defer s.Release(weight)
			mu.Lock()
			running += weight
			peak = max(peak, running)
			running -= weight
			mu.Unlock()
		})
	}
	wg.Wait()
	fmt.Println("at most 2 permits in use:", peak <= 2)
	fmt.Println("available at the end:", s.Value())
	// Output:
	// at most 2 permits in use: true
	// available at the end: 2
}

// A BoundedSemaphore turns a release without an acquire into a panic
// instead of a silently raised limit.
func ExampleBoundedSemaphore() {
	s := primitives.NewBoundedSemaphore(1)
	s.Acquire(context.Background(), 1)
	s.Release(1)
	defer func() { fmt.Println("recovered:", recover()) }()
	s.Release(1) // one release too many
	// Output:
	// recovered: primitives: BoundedSemaphore released too many times
}
