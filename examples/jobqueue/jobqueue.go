// Package jobqueue processes jobs on workers around a queue, and waits for
// them with Join.
package jobqueue

import (
	"context"
	"sync"

	"github.com/interleave-go/interleave/primitives"
)

// Process runs each job on one of the workers and returns the results once
// every job is done. A worker marks its job done before it records the
// result: Join can return while a result is still missing.
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
				q.TaskDone() // bug: before the work is recorded
				mu.Lock()
				results = append(results, j*j)
				mu.Unlock()
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
