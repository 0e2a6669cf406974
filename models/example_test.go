package models_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/models"
	"github.com/interleave-go/interleave/primitives"
)

// A history checked against the key-value map model: the second Get
// misses the Put that returned before it was called.
func ExampleCheckHistory() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	put := models.KVCall{Method: "Put", Key: "x", Value: "1"}
	get := models.KVCall{Method: "Get", Key: "x"}
	history := []porcupine.Operation{
		{ClientId: 1, Call: 1, Return: 4, Input: put, Output: ""},
		{ClientId: 2, Call: 2, Return: 3, Input: get, Output: "1"},
		{ClientId: 2, Call: 5, Return: 6, Input: get, Output: ""},
	}
	err := models.CheckHistory(models.KV(), history, models.VisualizationDir(dir))
	var le *models.LinearizabilityError
	if errors.As(err, &le) {
		fmt.Println(le.Result)
		fmt.Print(le.History)
		fmt.Println(le.Accepted)
	}
	// Output:
	// Illegal
	// history by goroutine, [call, return] on a logical clock:
	//   g1:      [1, 4] Put("x", "1")
	//   g2:      [2, 3] Get("x") → "1"
	//            [5, 6] Get("x") → ""
	// Put("x", "1"), Get("x") → "1", and then none of the others
}

// A test of a package's own code, run by the interleave tool (or by go
// test, with harness.Main in TestMain): each run records the operations
// of three goroutines on a queue, and the history is checked when the run
// is over.
func ExampleRecord() {
	var t *testing.T // the test's
	harness.Explore(t, func(t *harness.T) {
		q := primitives.NewQueue[int](1)
		rec := models.Record(t, models.FIFOQueue(1))
		ctx := context.Background()
		var wg sync.WaitGroup
		for v := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				op := rec.Call(models.Call{Method: "Put", Arg: v})
				op.Return(models.Done(q.Put(ctx, v)))
			}()
		}
		for range 2 {
			op := rec.Call(models.Call{Method: "Get"})
			op.Return(models.Value(q.Get(ctx)))
		}
		wg.Wait()
	})
}

// Monitors of a critical section and of conservation of permits.
func ExampleMutualExclusion() {
	var t *testing.T // the test's
	harness.Explore(t, func(t *harness.T) {
		sem := primitives.NewSemaphore(1)
		me := models.MutualExclusion(t)
		permits := models.NoLostPermit(t, 1, func() int { return int(sem.Value()) })
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if sem.TryAcquire(1) {
					permits.Acquired(1)
					me.Enter()
					me.Exit()
					sem.Release(1)
					permits.Released(1)
				}
			}()
		}
		wg.Wait()
	})
}

// Generated programs of TryAcquire, Release and Value on a semaphore, each
// explored and checked against the model.
func ExampleCheckStateMachine() {
	var t *testing.T // the test's
	models.CheckStateMachine(t, models.StateMachine[*primitives.Semaphore, models.Call]{
		Model: models.Semaphore(1),
		New:   func() *primitives.Semaphore { return primitives.NewSemaphore(1) },
		Gen: models.OneOf(
			models.Call{Method: "TryAcquire", Arg: 1},
			models.Call{Method: "Release", Arg: 1},
			models.Call{Method: "Value"},
		),
		Run: func(s *primitives.Semaphore, c models.Call) any {
			switch c.Method {
			case "TryAcquire":
				return models.Bool(s.TryAcquire(int64(c.Arg)))
			case "Release":
				s.Release(int64(c.Arg))
				return models.Done(nil)
			}
			return models.Value(int(s.Value()), nil)
		},
	})
}
