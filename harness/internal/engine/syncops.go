package engine

import (
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// The methods below are what the runtime ABI (package rt) calls when the
// calling goroutine is controlled: each stops at a scheduling point, then
// performs the real operation, which the engine has made sure will not
// block.

// Go starts f as a new controlled goroutine.
func (r *Run) Go(h *Handle, f func()) {
	r.startG(r.point(h, &request{kind: KGo}), f)
}

// Yield is a scheduling point with no operation (runtime.Gosched).
func (r *Run) Yield(h *Handle) { r.point(h, &request{kind: KYield}) }

// Lock locks mu.
func (r *Run) Lock(h *Handle, mu *sync.Mutex) {
	r.point(h, &request{kind: KLock, obj: unsafe.Pointer(mu)})
	mu.Lock()
}

// Unlock unlocks mu.
func (r *Run) Unlock(h *Handle, mu *sync.Mutex) {
	r.point(h, &request{kind: KUnlock, obj: unsafe.Pointer(mu)})
	mu.Unlock()
}

// TryLock tries to lock mu.
func (r *Run) TryLock(h *Handle, mu *sync.Mutex) bool {
	if rep := r.point(h, &request{kind: KTryLock, obj: unsafe.Pointer(mu)}); rep.ok {
		return mu.TryLock()
	}
	return false
}

// RLock locks rw for reading.
func (r *Run) RLock(h *Handle, rw *sync.RWMutex) {
	r.point(h, &request{kind: KRLock, obj: unsafe.Pointer(rw)})
	rw.RLock()
}

// RUnlock undoes one RLock.
func (r *Run) RUnlock(h *Handle, rw *sync.RWMutex) {
	r.point(h, &request{kind: KRUnlock, obj: unsafe.Pointer(rw)})
	rw.RUnlock()
}

// TryRLock tries to lock rw for reading.
func (r *Run) TryRLock(h *Handle, rw *sync.RWMutex) bool {
	if rep := r.point(h, &request{kind: KTryRLock, obj: unsafe.Pointer(rw)}); rep.ok {
		return rw.TryRLock()
	}
	return false
}

// WLock locks rw for writing. Like the runtime's, it first announces
// itself, which stops new readers, then waits for the readers to leave.
func (r *Run) WLock(h *Handle, rw *sync.RWMutex) {
	for !r.point(h, &request{kind: KWLock, obj: unsafe.Pointer(rw)}).ok {
	}
	rw.Lock()
}

// WUnlock unlocks rw for writing.
func (r *Run) WUnlock(h *Handle, rw *sync.RWMutex) {
	r.point(h, &request{kind: KWUnlock, obj: unsafe.Pointer(rw)})
	rw.Unlock()
}

// TryWLock tries to lock rw for writing.
func (r *Run) TryWLock(h *Handle, rw *sync.RWMutex) bool {
	if rep := r.point(h, &request{kind: KTryWLock, obj: unsafe.Pointer(rw)}); rep.ok {
		return rw.TryLock()
	}
	return false
}

// WaitGroupAdd adds delta to wg's counter.
func (r *Run) WaitGroupAdd(h *Handle, wg *sync.WaitGroup, delta int) {
	r.point(h, &request{kind: KWGAdd, obj: unsafe.Pointer(wg), n: int64(delta)})
	wg.Add(delta)
}

// WaitGroupWait waits for wg's counter to reach zero.
func (r *Run) WaitGroupWait(h *Handle, wg *sync.WaitGroup) {
	r.point(h, &request{kind: KWGWait, obj: unsafe.Pointer(wg)})
	wg.Wait()
}

// rwmutexRLocker is the type RWMutex.RLocker returns.
var rwmutexRLocker = reflect.TypeOf(new(sync.RWMutex).RLocker())

// lockerOf says how the engine can model a Cond's locker.
func lockerOf(l sync.Locker) (unsafe.Pointer, lockerKind) {
	switch l := l.(type) {
	case *sync.Mutex:
		return unsafe.Pointer(l), lockerMutex
	case *sync.RWMutex:
		return unsafe.Pointer(l), lockerRWWrite
	}
	if reflect.TypeOf(l) == rwmutexRLocker {
		return reflect.ValueOf(l).UnsafePointer(), lockerRWRead
	}
	return nil, lockerOther
}

// CondWait is sync.Cond.Wait: it joins c's waiters and releases c.L in one
// step, as the runtime does, then waits to be signaled and takes c.L back.
func (r *Run) CondWait(h *Handle, c *sync.Cond) {
	lp, lk := lockerOf(c.L)
	r.point(h, &request{kind: KCondWait, obj: unsafe.Pointer(c), aux: lp, auxKind: lk})
	switch lk {
	case lockerMutex:
		(*sync.Mutex)(lp).Unlock()
	case lockerRWWrite:
		(*sync.RWMutex)(lp).Unlock()
	case lockerRWRead:
		(*sync.RWMutex)(lp).RUnlock()
	default:
		c.L.Unlock()
	}
	r.point(h, &request{kind: KCondRelock, obj: unsafe.Pointer(c), aux: lp, auxKind: lk})
	switch lk {
	case lockerMutex:
		(*sync.Mutex)(lp).Lock()
	case lockerRWWrite:
		(*sync.RWMutex)(lp).Lock()
	case lockerRWRead:
		(*sync.RWMutex)(lp).RLock()
	default:
		c.L.Lock()
	}
}

// CondSignal wakes the longest-waiting goroutine of c, if any.
func (r *Run) CondSignal(h *Handle, c *sync.Cond) {
	r.point(h, &request{kind: KCondSignal, obj: unsafe.Pointer(c)})
	c.Signal() // for waiters outside the exploration
}

// CondBroadcast wakes every goroutine waiting on c.
func (r *Run) CondBroadcast(h *Handle, c *sync.Cond) {
	r.point(h, &request{kind: KCondBroadcast, obj: unsafe.Pointer(c)})
	c.Broadcast()
}

// OnceDo is sync.Once.Do: goroutines that arrive while f runs wait for it.
func (r *Run) OnceDo(h *Handle, o *sync.Once, f func()) {
	r.point(h, &request{kind: KOnce, obj: unsafe.Pointer(o)})
	defer r.submit(h, &request{note: noteOnceDone, obj: unsafe.Pointer(o)})
	o.Do(f)
}

// Atomic is the scheduling point before an operation of sync/atomic on the
// word at addr; write tells whether it may change the word.
func (r *Run) Atomic(h *Handle, addr unsafe.Pointer, write bool) {
	k := KAtomicLoad
	if write {
		k = KAtomicStore
	}
	r.point(h, &request{kind: k, obj: addr})
}

// MapOp is the scheduling point before an operation on a sync.Map.
func (r *Run) MapOp(h *Handle, m *sync.Map, write bool) {
	k := KMapRead
	if write {
		k = KMapWrite
	}
	r.point(h, &request{kind: k, obj: unsafe.Pointer(m)})
}

// Errorf records a failed check of the test; fatal also ends the calling
// goroutine, as testing.T.FailNow does.
func (r *Run) Errorf(h *Handle, text string, fatal bool) {
	if h.dying {
		teardown()
	}
	h.msgs = append(h.msgs, r.message(h, text, true))
	q := request{note: noteError}
	if fatal {
		q.note = noteFatal
	}
	r.submit(h, &q)
	if fatal {
		runtime.Goexit()
	}
}

// Invariant fails the run because a property of the program (a monitor's)
// does not hold, and ends the calling goroutine: the run stops there.
func (r *Run) Invariant(h *Handle, text string) {
	if h.dying {
		teardown()
	}
	h.msgs = append(h.msgs, r.message(h, text, true))
	r.submit(h, &request{note: noteInvariant})
	runtime.Goexit()
}

// ID returns the goroutine's number in its run: 0 for the body, then in
// order of creation.
func (h *Handle) ID() int { return h.id }

// NoteError records the message of a failed check that the test reports
// itself (through testing.T): the run's report quotes it.
func (r *Run) NoteError(h *Handle, text string) {
	if h.dying {
		return
	}
	h.msgs = append(h.msgs, r.message(h, text, true))
}

// message makes a line of the test's log. In a traced run, an error's
// says where the check that failed was made: the first frame of the
// caller's that is neither the harness's nor a checking library's
// (testify's, the monitors of models).
func (r *Run) message(h *Handle, text string, isErr bool) Message {
	m := Message{Step: h.step, G: h.id, Text: text, Error: isErr}
	if r.trace && isErr {
		for _, f := range userFrames(callers(nil)) {
			if !checkingPackage(funcPackage(f.Function)) {
				m.File, m.Line = f.File, f.Line
				break
			}
		}
	}
	return m
}

// checkingPackage reports whether a package makes checks for the test: a
// failed check is the test's line that called it.
func checkingPackage(pkg string) bool {
	return strings.HasPrefix(pkg, "github.com/stretchr/testify/") || pkg == "github.com/interleave-go/interleave/models"
}

// Logf records a line of the test's log.
func (r *Run) Logf(h *Handle, text string) {
	if h.dying {
		return
	}
	h.msgs = append(h.msgs, r.message(h, text, false))
}

// Fatal ends the run with a fatal error of the Go runtime in the calling
// goroutine, such as "all goroutines are asleep" would be.
func (r *Run) Fatal(h *Handle, text string) {
	if h.dying {
		teardown()
	}
	h.msgs = append(h.msgs, r.message(h, text, true))
	r.submit(h, &request{note: noteFailPanic})
	runtime.Goexit()
}
