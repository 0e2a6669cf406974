package primitives_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/interleave-go/interleave/primitives"
)

// A producer and a consumer, with backpressure from a bounded queue and
// Shutdown to say that no more work is coming.
func ExampleQueue() {
	q := primitives.NewQueue[string](2)
	ctx := context.Background()
	go func() {
		for _, job := range []string{"fetch", "parse", "store"} {
			if err := q.Put(ctx, job); err != nil { // waits while q is full
				return
			}
		}
		q.Shutdown() // the consumer drains what is left, then stops
	}()
	for {
		job, err := q.Get(ctx)
		if errors.Is(err, primitives.ErrQueueShutDown) {
			break
		}
		fmt.Println(job)
		q.TaskDone()
	}
	fmt.Println("unfinished:", q.Unfinished())
	// Output:
	// fetch
	// parse
	// store
	// unfinished: 0
}

// Join waits until every value put has been marked done.
func ExampleQueue_Join() {
	q := primitives.NewQueue[int](0)
	ctx := context.Background()
	for i := range 3 {
		q.Put(ctx, i)
	}
	go func() {
		for {
			n, err := q.Get(ctx)
			if err != nil {
				return
			}
			fmt.Println("processed", n)
			q.TaskDone()
		}
	}()
	q.Join(ctx)
	fmt.Println("all done")
	q.Shutdown()
	// Output:
	// processed 0
	// processed 1
	// processed 2
	// all done
}

func ExampleNewPriorityQueue() {
	type job struct {
		prio int
		name string
	}
	q := primitives.NewPriorityQueue(0, func(a, b job) bool { return a.prio < b.prio })
	q.TryPut(job{2, "backup"})
	q.TryPut(job{0, "page on-call"})
	q.TryPut(job{1, "reindex"})
	q.TryPut(job{0, "restart"}) // equal priority: after "page on-call"
	for q.Len() > 0 {
		j, _ := q.TryGet()
		fmt.Println(j.prio, j.name)
	}
	// Output:
	// 0 page on-call
	// 0 restart
	// 1 reindex
	// 2 backup
}

func ExampleNewLIFOQueue() {
	q := primitives.NewLIFOQueue[int](0)
	for i := range 3 {
		q.TryPut(i)
	}
	var got []int
	for q.Len() > 0 {
		v, _ := q.TryGet()
		got = append(got, v)
	}
	fmt.Println(got)
	_, err := q.TryGet()
	fmt.Println(err)
	// Output:
	// [2 1 0]
	// primitives: queue empty
}
