package models_test

import (
	"errors"
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/interleave-go/interleave/models"
)

// o is an operation of goroutine g over [call, ret] on the logical clock.
func o(g int, call, ret int64, in, out any) porcupine.Operation {
	return porcupine.Operation{ClientId: g, Call: call, Return: ret, Input: in, Output: out}
}

func c(method string, arg ...int) models.Call {
	if len(arg) == 0 {
		return models.Call{Method: method}
	}
	return models.Call{Method: method, Arg: arg[0]}
}

var (
	ok    = models.Done(nil)
	fail  = models.Done(errors.New("context canceled"))
	empty = models.Value(0, errors.New("empty"))
	full  = models.Done(errors.New("full"))
)

func val(v int) models.Ret { return models.Value(v, nil) }

func TestModels(t *testing.T) {
	cases := []struct {
		name    string
		model   models.Model
		history []porcupine.Operation
		want    porcupine.CheckResult
	}{
		{"lock: lock, unlock, lock", models.Lock(), []porcupine.Operation{
			o(1, 1, 2, c("Lock"), ok), o(1, 3, 5, c("Unlock"), ok), o(2, 4, 6, c("Lock"), ok)}, porcupine.Ok},
		{"lock: two holders", models.Lock(), []porcupine.Operation{
			o(1, 1, 2, c("Lock"), ok), o(2, 3, 4, c("Lock"), ok)}, porcupine.Illegal},
		{"lock: a cancelled Lock takes nothing", models.Lock(), []porcupine.Operation{
			o(1, 1, 2, c("Lock"), ok), o(2, 3, 4, c("Lock"), fail), o(1, 5, 6, c("Locked"), models.Bool(true))}, porcupine.Ok},
		{"lock: TryLock fails on a free lock", models.Lock(), []porcupine.Operation{
			o(1, 1, 2, c("TryLock"), models.Bool(false))}, porcupine.Illegal},
		{"lock: unlock of a free lock", models.Lock(), []porcupine.Operation{
			o(1, 1, 2, c("Unlock"), ok)}, porcupine.Illegal},

		{"semaphore: acquire, try, release, value", models.Semaphore(2), []porcupine.Operation{
			o(1, 1, 2, c("Acquire", 2), ok), o(2, 3, 4, c("TryAcquire", 1), models.Bool(false)),
			o(1, 5, 6, c("Release", 1), ok), o(2, 7, 8, c("Value"), val(1))}, porcupine.Ok},
		{"semaphore: three permits out of two", models.Semaphore(2), []porcupine.Operation{
			o(1, 1, 2, c("TryAcquire", 1), models.Bool(true)), o(2, 1, 3, c("TryAcquire", 1), models.Bool(true)),
			o(3, 2, 4, c("TryAcquire", 1), models.Bool(true))}, porcupine.Illegal},
		{"semaphore: a lost release", models.Semaphore(0), []porcupine.Operation{
			o(1, 1, 4, c("Release", 1), ok), o(2, 2, 3, c("Release", 1), ok), o(2, 5, 6, c("Value"), val(1))}, porcupine.Illegal},
		{"semaphore: release above the start", models.Semaphore(1), []porcupine.Operation{
			o(1, 1, 2, c("Release", 1), ok), o(1, 3, 4, c("Value"), val(2))}, porcupine.Ok},
		{"bounded semaphore: release above the bound", models.BoundedSemaphore(1), []porcupine.Operation{
			o(1, 1, 2, c("Release", 1), ok)}, porcupine.Illegal},

		{"event: a Wait sees a Set that a Clear follows", models.Event(), []porcupine.Operation{
			o(1, 1, 6, c("Wait"), ok), o(2, 2, 3, c("Set"), ok), o(2, 4, 5, c("Clear"), ok)}, porcupine.Ok},
		{"event: a Wait with nothing set", models.Event(), []porcupine.Operation{
			o(1, 1, 2, c("Wait"), ok)}, porcupine.Illegal},
		{"event: a Wait that gives up", models.Event(), []porcupine.Operation{
			o(1, 1, 2, c("Wait"), fail)}, porcupine.Ok},
		{"event: IsSet after Set", models.Event(), []porcupine.Operation{
			o(1, 1, 2, c("Set"), ok), o(2, 3, 4, c("IsSet"), models.Bool(false))}, porcupine.Illegal},

		{"FIFO: concurrent puts come out in either order", models.FIFOQueue(0), []porcupine.Operation{
			o(1, 1, 4, c("Put", 1), ok), o(2, 2, 3, c("Put", 2), ok), o(3, 5, 6, c("Get"), val(2)), o(3, 7, 8, c("Get"), val(1))}, porcupine.Ok},
		{"FIFO: the second put comes out first", models.FIFOQueue(0), []porcupine.Operation{
			o(1, 1, 2, c("Put", 1), ok), o(1, 3, 4, c("Put", 2), ok), o(2, 5, 6, c("Get"), val(2))}, porcupine.Illegal},
		{"FIFO: full at capacity", models.FIFOQueue(1), []porcupine.Operation{
			o(1, 1, 2, c("Put", 1), ok), o(2, 3, 4, c("TryPut", 2), full), o(2, 5, 6, c("Len"), val(1))}, porcupine.Ok},
		{"FIFO: full below capacity", models.FIFOQueue(2), []porcupine.Operation{
			o(1, 1, 2, c("Put", 1), ok), o(2, 3, 4, c("TryPut", 2), full)}, porcupine.Illegal},
		{"FIFO: a put above capacity", models.FIFOQueue(1), []porcupine.Operation{
			o(1, 1, 2, c("Put", 1), ok), o(2, 3, 4, c("Put", 2), ok)}, porcupine.Illegal},
		{"FIFO: empty with a value in", models.FIFOQueue(0), []porcupine.Operation{
			o(1, 1, 2, c("Put", 1), ok), o(2, 3, 4, c("TryGet"), empty)}, porcupine.Illegal},
		{"FIFO: a value got twice", models.FIFOQueue(0), []porcupine.Operation{
			o(1, 1, 2, c("Put", 1), ok), o(2, 3, 5, c("Get"), val(1)), o(3, 4, 6, c("Get"), val(1))}, porcupine.Illegal},
		{"LIFO: last in, first out", models.LIFOQueue(0), []porcupine.Operation{
			o(1, 1, 2, c("Put", 1), ok), o(1, 3, 4, c("Put", 2), ok), o(2, 5, 6, c("Get"), val(2))}, porcupine.Ok},
		{"LIFO: first in, first out", models.LIFOQueue(0), []porcupine.Operation{
			o(1, 1, 2, c("Put", 1), ok), o(1, 3, 4, c("Put", 2), ok), o(2, 5, 6, c("Get"), val(1))}, porcupine.Illegal},
		{"priority: least first", models.PriorityQueue(0), []porcupine.Operation{
			o(1, 1, 2, c("Put", 3), ok), o(1, 3, 4, c("Put", 1), ok), o(1, 5, 6, c("Put", 2), ok),
			o(2, 7, 8, c("Get"), val(1)), o(2, 9, 10, c("Get"), val(2))}, porcupine.Ok},
		{"priority: not least first", models.PriorityQueue(0), []porcupine.Operation{
			o(1, 1, 2, c("Put", 3), ok), o(1, 3, 4, c("Put", 1), ok), o(2, 5, 6, c("Get"), val(3))}, porcupine.Illegal},

		{"barrier: two rounds", models.Barrier(2), []porcupine.Operation{
			o(1, 1, 4, c("Wait"), val(0)), o(2, 2, 3, c("Wait"), val(1)),
			o(1, 5, 8, c("Wait"), val(1)), o(2, 6, 7, c("Wait"), val(0))}, porcupine.Ok},
		{"barrier: a party leaves before the round is full", models.Barrier(2), []porcupine.Operation{
			o(1, 1, 2, c("Wait"), val(0)), o(2, 3, 4, c("Wait"), val(1))}, porcupine.Illegal},
		{"barrier: one index twice", models.Barrier(2), []porcupine.Operation{
			o(1, 1, 4, c("Wait"), val(0)), o(2, 2, 3, c("Wait"), val(0))}, porcupine.Illegal},
		{"barrier: a broken round", models.Barrier(2), []porcupine.Operation{
			o(1, 1, 2, c("Wait"), models.Value(0, errors.New("broken"))), o(1, 3, 6, c("Wait"), val(0)), o(2, 4, 5, c("Wait"), val(1))}, porcupine.Ok},

		{"kv: put, get", models.KV(), []porcupine.Operation{
			o(1, 1, 2, models.KVCall{Method: "Put", Key: "x", Value: "1"}, ""),
			o(2, 3, 4, models.KVCall{Method: "Get", Key: "x"}, "1"),
			o(2, 5, 6, models.KVCall{Method: "Get", Key: "y"}, "")}, porcupine.Ok},
		{"kv: a put not seen", models.KV(), []porcupine.Operation{
			o(1, 1, 2, models.KVCall{Method: "Put", Key: "x", Value: "1"}, ""),
			o(2, 3, 4, models.KVCall{Method: "Get", Key: "x"}, "")}, porcupine.Illegal},

		{"an operation of another model", models.Lock(), []porcupine.Operation{
			o(1, 1, 2, models.KVCall{Method: "Get"}, "")}, porcupine.Illegal},
		{"a method the model does not have", models.Event(), []porcupine.Operation{
			o(1, 1, 2, c("Lock"), ok)}, porcupine.Illegal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := models.CheckHistory(tc.model, tc.history, models.VisualizationDir(t.TempDir()))
			got := porcupine.Ok
			var le *models.LinearizabilityError
			if errors.As(err, &le) {
				got = le.Result
			} else if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s: got %s, want %s (%v)", tc.model.Name, got, tc.want, err)
			}
		})
	}
}
