// Package primitives is a set of synchronization primitives that take a
// context.Context: Lock, RWLock, Semaphore, BoundedSemaphore, Event,
// Condition, Queue, Barrier and Limiter. They follow Python's asyncio
// primitives where Go has no counterpart, and golang.org/x/sync/semaphore
// for the shape of the API. They are plain Go, usable in production, and
// the reference set that the interleave harness explores: they are built
// from sync.Mutex, channels, select, context and time alone (plus one
// atomic word in Lock, for speed), never spin, and never start a goroutine.
//
// # Common rules
//
// Every blocking call takes a context and has a non-blocking twin:
//
//	Lock.Lock              Lock.TryLock
//	RWLock.Lock, RLock     RWLock.TryLock, TryRLock
//	Semaphore.Acquire      Semaphore.TryAcquire
//	Event.Wait             Event.IsSet
//	Queue.Put, Get         Queue.TryPut, TryGet
//	Queue.Join             Queue.Unfinished
//	Limiter.Wait           Limiter.Allow
//
// A blocking call returns nil on success. It fails with ctx.Err() if ctx is
// done before it succeeds, and then leaves the primitive as it found it: no
// permit taken, no value put or got, no place kept in line. The one
// exception is Barrier, where a party that gives up breaks the barrier for
// the others, who would otherwise wait for it forever. A call whose ctx is
// already done fails at once, even if it could have succeeded without
// waiting, so that a loop that stops on the first error does stop.
//
// Cancellation never loses a grant. A waiter is granted (the lock, permits,
// a value, a slot, the event, a notification, a token) by whoever releases,
// with the primitive's mutex held; a waiter whose context is done at the
// same moment takes the mutex too and finds out whether it was granted. If
// it was, it keeps what it was given and returns nil. So a Lock is never
// left free with goroutines waiting, a permit never vanishes, a value put
// into a Queue is got exactly once, and a Set is seen by every goroutine
// that was waiting. A waiter that leaves also lets through those behind it
// that its leaving unblocks: a large Semaphore request or a writer that gives
// up at the front of the line (golang/go#37852 was that bug in
// golang.org/x/sync/semaphore). Each of these has a test.
//
// Misuse panics with a message that begins "primitives: ", as unlocking an
// unlocked Lock, releasing a BoundedSemaphore above its size, or waiting on
// a Condition without holding its Lock. Lock, RWLock and Event are ready to
// use as zero values; the others have constructors. No primitive may be
// copied after first use: each embeds a noCopy marker so that go vet's
// copylocks check reports copies. None is tied to a goroutine: the
// goroutine that unlocks or releases need not be the one that locked or
// acquired.
//
// # Fairness
//
// Lock, RWLock, Semaphore, Queue and Limiter serve their waiters first
// come, first served, and the non-blocking twins do not overtake a waiter:
// TryLock fails while anyone waits for the lock, even at the instant it is
// released, because the release hands it straight to the first waiter.
// This is stricter than sync.Mutex, which lets a running goroutine take the
// lock ahead of a sleeping one because that is faster; it is slower under
// contention (see BENCHMARKS.md) and in exchange no waiter starves.
//
// A Semaphore waiter for n permits is not overtaken by later, smaller
// requests, even when they would fit: a large request is not starved by a
// stream of small ones. A waiter that gives up at the front of the line lets
// those behind it through if they now fit.
//
// An RWLock with a writer waiting makes readers that arrive later wait
// behind it, even while readers hold the lock, so writers do not starve;
// when the writer is done the readers at the front of the line enter
// together, so readers do not starve either.
//
// Condition's Notify(n) wakes the n goroutines that have waited longest.
// Event and Barrier release all of their waiters at once.
//
// # Choosing a primitive
//
// Use sync.Mutex, sync.RWMutex and channels when waiting needs no deadline
// and fairness does not matter: they are faster. Use this package when a
// wait must be bounded by a context, when FIFO order is part of the
// contract, or to mirror an asyncio design in Go.
//
//   - Lock: one goroutine at a time in a critical section, with a deadline
//     on getting in. Uncontended, with a context that is never done, it
//     costs about what sync.Mutex does (within 1.5 times); a cancellable
//     context costs a look at its Done channel, and under contention each
//     FIFO hand-off costs a goroutine switch (BENCHMARKS.md).
//   - RWLock: many readers or one writer, for data that is read far more
//     than written; writers are not starved.
//   - Semaphore: at most n units of a resource in use (connections, memory,
//     workers), where a request may take several units. BoundedSemaphore
//     when every release must match an acquire, so a double release is
//     caught instead of silently raising the limit.
//   - Event: one-shot or resettable "it has happened" broadcast, such as
//     "ready" or "shutting down". Unlike closing a channel it can be set
//     twice, cleared, and queried.
//   - Condition: wait for an arbitrary predicate over state guarded by a
//     Lock, as sync.Cond but with a context and FIFO wake-ups. Prefer a
//     Queue or an Event when one of them says what you mean.
//   - Queue: producers and consumers, with backpressure when bounded, in
//     FIFO, LIFO or priority order, with Join to wait until all work is
//     done and Shutdown to stop it. A buffered channel is faster; use Queue
//     for priorities, Join, Shutdown that drains, or a context on each Put
//     and Get.
//   - Barrier: n goroutines working in rounds, each round starting when all
//     have finished the previous one.
//   - Limiter: at most one event per interval on average, with bursts, as
//     golang.org/x/time/rate, but FIFO among waiters and exact under
//     cancellation.
//
// # Preconditions
//
// A primitive must not be copied after first use. Unlock must not be
// called on a Lock that is not locked, nor RUnlock on an RWLock not locked
// for reading. Release must not return more permits to a BoundedSemaphore
// than it holds. Condition.Wait, WaitFor, Notify and NotifyAll must not be
// called without holding the Condition's Lock; Notify's n must not be
// negative. Queue.TaskDone must not be called more times than values were
// put. A Reservation must not be waited on after Cancel. Each of these
// panics where it can be detected; Lock and Condition can only tell that
// the Lock is held, not by whom.
package primitives
