// Package jobqueue processes jobs on workers around a queue, and waits for
// them with Join.
package jobqueue

import (
	"context"
	"sync"

	"github.com/interleave-go/interleave/primitives"
)

// Process runs each job on one of the workers and returns the results once
// every job is done: a worker marks its job done once its result is
// recorded.
func Process(jobs []int, workers int) []int {
	q := primitives.NewQueue[int](0)
	var mu sync.Mutex
	var results []int
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range workers {
		go func() {
			for {
				j, err := q.Get(ctx)
				if err != nil {
					return
				}
				mu.Lock()
				results = append(results, j*j)
				mu.Unlock()
				q.TaskDone()
			}
		}()
	}
	for _, j := range jobs {
		q.Put(ctx, j)
	}
	q.Join(ctx)
	mu.Lock()
	defer mu.Unlock()
	return append([]int(nil), results...)
}
