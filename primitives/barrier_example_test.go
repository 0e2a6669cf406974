package primitives_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/interleave-go/interleave/primitives"
)

// Three workers in rounds: nobody starts round 2 before all have finished
// round 1.
func ExampleBarrier() {
	const workers = 3
	b := primitives.NewBarrier(workers)
	var (
		mu  sync.Mutex
		log []string
		wg  sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for round := 1; round <= 2; round++ {
				mu.Lock()
				log = append(log, fmt.Sprint("round ", round))
				mu.Unlock()
				if _, err := b.Wait(context.Background()); err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	fmt.Println(log)
	// Output:
	// [round 1 round 1 round 1 round 2 round 2 round 2]
}

// A party that gives up breaks the barrier for the others, who would
// otherwise wait forever for the party that never comes.
func ExampleBarrier_cancel() {
	b := primitives.NewBarrier(3) // the third party never arrives
	patient := make(chan error)
	go func() {
		_, err := b.Wait(context.Background())
		patient <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := b.Wait(ctx)
	fmt.Println("impatient party:", err)
	fmt.Println("patient party:", <-patient)
	fmt.Println("broken:", b.Broken())
	// Output:
	// impatient party: context deadline exceeded
	// patient party: primitives: broken barrier
	// broken: true
}
