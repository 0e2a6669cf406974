package models

import (
	"sync"

	"github.com/interleave-go/interleave/harness"
)

// An Order is a monitor of first come, first served: requests are granted
// in the order they were made, as a fair lock, semaphore or queue
// promises. Request(id) records that a request takes its place in line,
// Granted(id) that it was granted, and Withdraw(id) that it gave up; the
// run fails with kind invariant the moment a request is granted while an
// older one still waits.
//
// Request must be called at the moment the request takes its place in
// line, in the same order: inside the primitive's own critical section, or
// once the request is known to wait (another goroutine can see it
// waiting). Called just before a blocking call, it would record the order
// in which goroutines reached the call rather than the order in which the
// primitive saw them, and a preemption between the two would be reported
// as unfair.
//
// An Order is safe for concurrent use, inside a run or outside one.
type Order struct {
	t *harness.T

	mu   sync.Mutex
	line []request // waiting, oldest first
}

type request struct {
	id any
	g  int // the goroutine that made it
}

// FIFO returns a monitor of first come, first served order. Request ids
// must be comparable (a goroutine's number, a value put).
func FIFO(t *harness.T) *Order { return &Order{t: t} }

// Request records that request id took its place in line. It panics if id
// is waiting already.
func (o *Order) Request(id any) {
	g := harness.Goroutine()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.find(id) >= 0 {
		panic("models: Order.Request of a request that is waiting already")
	}
	o.line = append(o.line, request{id: id, g: g})
}

// Granted records that request id was granted. If an older request still
// waits, the run fails with a message naming both and the goroutines that
// made them, and the calling goroutine ends. It panics if id is not
// waiting.
func (o *Order) Granted(id any) {
	o.mu.Lock()
	i := o.find(id)
	if i < 0 {
		o.mu.Unlock()
		panic("models: Order.Granted of a request that is not waiting")
	}
	r, first := o.line[i], o.line[0]
	o.line = append(o.line[:i], o.line[i+1:]...)
	o.mu.Unlock()
	if i > 0 {
		o.t.Invariantf("FIFO: request %v (by %s) was granted before request %v (by %s), which came first",
			r.id, gname(r.g), first.id, gname(first.g))
	}
}

// Withdraw records that request id left the line without being granted,
// as a waiter whose context is done does. It panics if id is not waiting.
func (o *Order) Withdraw(id any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	i := o.find(id)
	if i < 0 {
		panic("models: Order.Withdraw of a request that is not waiting")
	}
	o.line = append(o.line[:i], o.line[i+1:]...)
}

func (o *Order) find(id any) int {
	for i, r := range o.line {
		if r.id == id {
			return i
		}
	}
	return -1
}
