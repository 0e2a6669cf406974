package primitives

import (
	"context"
	"errors"
	"sync"
)

// Errors returned by Queue.
var (
	// ErrQueueShutDown is returned by a Put on a queue that has been shut
	// down, and by a Get once such a queue is empty.
	ErrQueueShutDown = errors.New("primitives: queue shut down")
	// ErrQueueFull is returned by TryPut when the queue is at capacity.
	ErrQueueFull = errors.New("primitives: queue full")
	// ErrQueueEmpty is returned by TryGet when the queue is empty.
	ErrQueueEmpty = errors.New("primitives: queue empty")
)

// Queue is a queue of values of type T for producers and consumers, as
// Python's asyncio.Queue: Put waits while the queue is full, Get while it is
// empty. Its order is first in first out (NewQueue), last in first out
// (NewLIFOQueue) or by priority (NewPriorityQueue).
//
// Waiting producers and waiting consumers are each served in arrival order.
// A value is handed directly to a waiting consumer, and a waiting producer's
// value is moved into the queue as soon as there is room, so a waiter that
// is granted a value or a slot at the moment its context is done keeps it:
// no value is lost or duplicated by cancellation.
//
// TaskDone and Join count unfinished work as asyncio's task_done and join,
// and Shutdown closes the queue as asyncio's shutdown. A Queue must be
// created with one of the constructors and must not be copied.
type Queue[T any] struct {
	_ noCopy

	mu         sync.Mutex
	items      store[T]
	capacity   int // 0: unbounded
	getters    waitList[handoff[T]]
	putters    waitList[handoff[T]]
	shutdown   bool
	unfinished int
	joined     chan struct{} // closed when unfinished drops to 0; nil if nobody joins
}

// handoff carries a value to a waiting getter, or a putter's value into the
// queue, and the error a waiter is woken with.
type handoff[T any] struct {
	v   T
	err error
}

// NewQueue returns a first-in-first-out Queue that holds at most capacity
// values, or any number if capacity is 0. It panics if capacity is
// negative.
func NewQueue[T any](capacity int) *Queue[T] {
	return newQueue[T](capacity, &fifo[T]{})
}

// NewLIFOQueue returns a last-in-first-out Queue (a stack) that holds at
// most capacity values, or any number if capacity is 0. It panics if
// capacity is negative.
func NewLIFOQueue[T any](capacity int) *Queue[T] {
	return newQueue[T](capacity, &lifo[T]{})
}

// NewPriorityQueue returns a Queue whose Get returns the least value by
// less first; values that are equal by less come out in the order they were
// put. It holds at most capacity values, or any number if capacity is 0. It
// panics if capacity is negative or less is nil.
func NewPriorityQueue[T any](capacity int, less func(a, b T) bool) *Queue[T] {
	if less == nil {
		panic("primitives: NewPriorityQueue with a nil less function")
	}
	return newQueue[T](capacity, &heap[T]{less: less})
}

func newQueue[T any](capacity int, s store[T]) *Queue[T] {
	if capacity < 0 {
		panic("primitives: Queue with a negative capacity")
	}
	return &Queue[T]{items: s, capacity: capacity}
}

// Put adds v to q, waiting while q is full until there is room or ctx is
// done. It returns nil once v is in q (or handed to a waiting Get),
// ErrQueueShutDown if q is or becomes shut down before v got in, or
// ctx.Err(); on error v is not in q. If ctx is done before the call, Put
// fails even if there is room.
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	done := ctx.Done()
	if ctxDone(done) {
		return ctx.Err()
	}
	q.mu.Lock()
	if err := q.tryPutLocked(v); err != ErrQueueFull {
		q.mu.Unlock()
		return err
	}
	w := newWaiter(handoff[T]{v: v})
	q.putters.pushBack(w)
	q.mu.Unlock()

	select {
	case <-w.ready:
		return w.val.err
	case <-done:
		q.mu.Lock()
		defer q.mu.Unlock()
		if w.granted() {
			return w.val.err // v went in as ctx was cancelled: keep it
		}
		q.putters.remove(w)
		return ctx.Err()
	}
}

// TryPut adds v to q if there is room, without waiting. It returns nil,
// ErrQueueFull, or ErrQueueShutDown.
func (q *Queue[T]) TryPut(v T) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.tryPutLocked(v)
}

func (q *Queue[T]) tryPutLocked(v T) error {
	if q.shutdown {
		return ErrQueueShutDown
	}
	if g := q.getters.popFront(); g != nil {
		// A getter waits only on an empty queue, so v is the next value
		// in any order: give it straight to the getter.
		g.val.v = v
		q.unfinished++
		close(g.ready)
		return nil
	}
	// Putters already waiting go first.
	if q.putters.len() > 0 || (q.capacity > 0 && q.items.len() >= q.capacity) {
		return ErrQueueFull
	}
	q.items.push(v)
	q.unfinished++
	return nil
}

// Get removes and returns the next value of q, waiting while q is empty
// until a value arrives or ctx is done. On a shut-down queue Get returns
// the values still in it, then ErrQueueShutDown. It returns ctx.Err() with q
// unchanged if ctx is done first; a value handed over at the moment ctx is
// done is kept and returned. If ctx is done before the call, Get fails even
// if q has values.
func (q *Queue[T]) Get(ctx context.Context) (T, error) {
	var zero T
	done := ctx.Done()
	if ctxDone(done) {
		return zero, ctx.Err()
	}
	q.mu.Lock()
	if v, err := q.tryGetLocked(); err != ErrQueueEmpty {
		q.mu.Unlock()
		return v, err
	}
	w := newWaiter(handoff[T]{})
	q.getters.pushBack(w)
	q.mu.Unlock()

	select {
	case <-w.ready:
		return w.val.v, w.val.err
	case <-done:
		q.mu.Lock()
		defer q.mu.Unlock()
		if w.granted() {
			return w.val.v, w.val.err // handed a value as ctx was cancelled: keep it
		}
		q.getters.remove(w)
		return zero, ctx.Err()
	}
}

// TryGet removes and returns the next value of q if there is one, without
// waiting. It returns ErrQueueEmpty if q is empty, or ErrQueueShutDown if q
// is empty and shut down.
func (q *Queue[T]) TryGet() (T, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.tryGetLocked()
}

func (q *Queue[T]) tryGetLocked() (T, error) {
	var zero T
	// Getters wait only while q is empty, so a value here is for us.
	if q.items.len() == 0 {
		if q.shutdown {
			return zero, ErrQueueShutDown
		}
		return zero, ErrQueueEmpty
	}
	v := q.items.pop()
	if p := q.putters.popFront(); p != nil {
		// Room for the longest waiting putter.
		q.items.push(p.val.v)
		q.unfinished++
		close(p.ready)
	}
	return v, nil
}

// Len returns the number of values in q.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.items.len()
}

// Cap returns the capacity of q, or 0 if q is unbounded.
func (q *Queue[T]) Cap() int { return q.capacity }

// TaskDone records that the work on one value taken from q is finished. When
// every value put into q has had its TaskDone, goroutines in Join are
// released. TaskDone panics if called more times than values were put.
func (q *Queue[T]) TaskDone() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.unfinished == 0 {
		panic("primitives: Queue.TaskDone called more times than values were put")
	}
	q.unfinished--
	if q.unfinished == 0 && q.joined != nil {
		close(q.joined)
		q.joined = nil
	}
}

// Unfinished returns the number of values put into q whose TaskDone has not
// been called yet. It is the non-blocking twin of Join.
func (q *Queue[T]) Unfinished() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.unfinished
}

// Join waits until every value put into q has had its TaskDone, and returns
// nil, or until ctx is done and returns ctx.Err(). If ctx is done before
// the call, Join fails even if no work is unfinished.
func (q *Queue[T]) Join(ctx context.Context) error {
	done := ctx.Done()
	if ctxDone(done) {
		return ctx.Err()
	}
	q.mu.Lock()
	if q.unfinished == 0 {
		q.mu.Unlock()
		return nil
	}
	if q.joined == nil {
		q.joined = make(chan struct{})
	}
	ch := q.joined
	q.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-done:
		select {
		case <-ch:
			return nil
		default:
			return ctx.Err()
		}
	}
}

// Shutdown shuts q down: from now on Put fails with ErrQueueShutDown, and
// Get returns the values still in q and then fails with ErrQueueShutDown.
// Goroutines waiting in Put or Get are woken with ErrQueueShutDown (a
// waiting Get means q is empty). Values still in q still count for Join.
// Shutting down a shut-down queue does nothing.
func (q *Queue[T]) Shutdown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shutdown = true
	for _, l := range []*waitList[handoff[T]]{&q.putters, &q.getters} {
		for w := l.popFront(); w != nil; w = l.popFront() {
			w.val.err = ErrQueueShutDown
			close(w.ready)
		}
	}
}
