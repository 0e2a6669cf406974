package buggyqueue_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/models"
	"github.com/interleave-go/interleave/testdata/models/buggyqueue"
)

// go test runs this package's tests under the interleave tool, which
// instruments the queue; the test of package models that runs it expects
// it to fail.
func TestMain(m *testing.M) { harness.Main(m) }

var errEmpty = errors.New("empty")

// Two producers put 1 and 2 while a consumer looks at the length and takes
// values; every run's history must be one of a FIFO queue.
func TestQueueIsLinearizable(t *testing.T) {
	harness.Explore(t, func(t *harness.T) {
		var q buggyqueue.Queue
		rec := models.Record(t, models.FIFOQueue(0))
		var wg sync.WaitGroup
		wg.Add(3)
		for v := 1; v <= 2; v++ {
			go func() {
				defer wg.Done()
				op := rec.Call(models.Call{Method: "Put", Arg: v})
				q.Put(v)
				op.Return(models.Done(nil))
			}()
		}
		go func() {
			defer wg.Done()
			for range 2 {
				op := rec.Call(models.Call{Method: "Len"})
				op.Return(models.Value(q.Len(), nil))
				op = rec.Call(models.Call{Method: "TryGet"})
				v, ok := q.TryGet()
				if !ok {
					op.Return(models.Value(0, errEmpty))
					continue
				}
				op.Return(models.Value(v, nil))
			}
		}()
		wg.Wait()
	})
}

// Generated programs of Put, TryGet and Len, explored and checked against
// the model: the queue is instrumented, CheckStateMachine is not.
func TestQueueStateMachine(t *testing.T) {
	models.CheckStateMachine(t, models.StateMachine[*buggyqueue.Queue, models.Call]{
		Model: models.FIFOQueue(0),
		New:   func() *buggyqueue.Queue { return &buggyqueue.Queue{} },
		Gen: models.OneOf(
			models.Call{Method: "Len"},
			models.Call{Method: "TryGet"},
			models.Call{Method: "Put", Arg: 1},
			models.Call{Method: "Put", Arg: 2},
		),
		Run: func(q *buggyqueue.Queue, c models.Call) any {
			switch c.Method {
			case "Put":
				q.Put(c.Arg)
				return models.Done(nil)
			case "TryGet":
				v, ok := q.TryGet()
				if !ok {
					return models.Value(0, errEmpty)
				}
				return models.Value(v, nil)
			}
			return models.Value(q.Len(), nil)
		},
	}, models.Programs(10), models.RunsPerProgram(100))
}
