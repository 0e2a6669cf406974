// Package rt is the runtime ABI of interleave: the functions that code
// instrumented by harness/instrument calls in place of Go's synchronizing
// operations. It is a stable interface between the rewriter and the
// scheduler, not an API for people to call by hand.
//
// Each function operates on the real object (a *sync.Mutex, a channel, a
// word of memory), never on a type of its own, so that values flow freely
// between instrumented code and code that is not. Outside an exploration,
// and in goroutines the exploration does not control, every function is a
// pass-through to the real operation at the cost of one atomic load. In a
// controlled goroutine it is a scheduling point: the goroutine stops before
// the operation until the exploration's strategy lets it go on, and a
// blocking operation never blocks in the Go runtime; the scheduler runs
// other goroutines until it can proceed.
//
// # Naming
//
// Functions of package sync/atomic keep their names (rt.AddInt32 is
// atomic.AddInt32). Methods become functions named after the type and the
// method, taking the receiver first: mu.Lock() is rt.Lock(&mu),
// rw.RLock() is rt.RLock(&rw), rw.Lock() is rt.RWLock(&rw), wg.Wait() is
// rt.WaitGroupWait(&wg), x.Add(1) on an atomic.Int64 is rt.Int64Add(&x, 1).
//
//go:generate go run ./internal/genatomic
package rt
