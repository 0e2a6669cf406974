package engine

import (
	"sync"
	"unsafe"
)

// The engine models the synchronization objects that controlled goroutines
// use, so that it knows without blocking whether an operation can proceed.
// The model of an object starts when a run first meets it, from the state
// of the real object, and the real operation is performed by the goroutine
// once the model says it will not block.

type objKind uint8

const (
	objMutex objKind = iota
	objRWMutex
	objWaitGroup
	objCond
	objOnce
	objChan
	objOther
	numObjKinds
)

var objKindNames = [numObjKinds]string{"sync.Mutex", "sync.RWMutex", "sync.WaitGroup", "sync.Cond", "sync.Once", "chan", "object"}

const (
	free    = -1 // nobody holds the lock
	outside = -2 // held by code the harness does not control
)

type object struct {
	kind objKind
	ptr  unsafe.Pointer

	holder int // Mutex: goroutine holding it, free or outside

	writer    int // RWMutex: goroutine holding it for writing, free or outside
	readers   int // RWMutex: goroutines holding it for reading
	announced int // RWMutex: writer waiting for readers to leave, or free

	count int64 // WaitGroup counter

	waiters []int // Cond: goroutines waiting, in arrival order

	running int // Once: goroutine running the function, or free
}

// lockerKind says what a sync.Cond's Locker is, so that Wait can model
// releasing and retaking it.
type lockerKind uint8

const (
	lockerOther   lockerKind = iota // a Locker the engine does not model
	lockerMutex                     // *sync.Mutex
	lockerRWWrite                   // *sync.RWMutex
	lockerRWRead                    // (*sync.RWMutex).RLocker()
)

// object returns the model of the object at p, creating it on first sight.
func (r *Run) object(p unsafe.Pointer, k objKind) *object {
	if o, ok := r.objs[p]; ok {
		return o
	}
	var o *object
	if n := len(r.x.objPool); r.nobj < n {
		o = r.x.objPool[r.nobj]
	} else {
		o = new(object)
		r.x.objPool = append(r.x.objPool, o)
	}
	r.nobj++
	*o = object{kind: k, ptr: p, holder: free, writer: free, announced: free, running: free, waiters: o.waiters[:0]}
	switch k {
	case objMutex:
		m := (*sync.Mutex)(p)
		if !m.TryLock() {
			o.holder = outside
		} else {
			m.Unlock()
		}
	case objRWMutex:
		m := (*sync.RWMutex)(p)
		if !m.TryLock() {
			o.writer = outside
		} else {
			m.Unlock()
		}
	}
	r.objs[p] = o
	return o
}

// mutexFree reports whether a Mutex can be locked now; a lock held outside
// the run is probed again, since outside code may have released it.
func (o *object) mutexFree() bool {
	if o.holder == outside {
		m := (*sync.Mutex)(o.ptr)
		if m.TryLock() {
			m.Unlock()
			o.holder = free
		}
	}
	return o.holder == free
}

func (o *object) rwWriterFree() bool {
	if o.writer == outside {
		m := (*sync.RWMutex)(o.ptr)
		if m.TryLock() {
			m.Unlock()
			o.writer = free
		}
	}
	return o.writer == free
}

// canRead reports whether RLock can proceed: no writer holds the lock or
// waits for it (Go's RWMutex prefers a waiting writer to new readers).
func (o *object) canRead() bool { return o.rwWriterFree() && o.announced == free }

// lockerAvailable reports whether a Cond's locker can be taken back.
func (r *Run) lockerAvailable(p unsafe.Pointer, k lockerKind) bool {
	switch k {
	case lockerMutex:
		return r.object(p, objMutex).mutexFree()
	case lockerRWWrite:
		o := r.object(p, objRWMutex)
		return o.canRead() && o.readers == 0
	case lockerRWRead:
		return r.object(p, objRWMutex).canRead()
	}
	return true
}

// takeLocker and releaseLocker model a Cond's locker changing hands. A
// release of a lock that is not held returns the runtime's fatal error.
func (r *Run) takeLocker(g int, p unsafe.Pointer, k lockerKind) {
	switch k {
	case lockerMutex:
		r.object(p, objMutex).holder = g
	case lockerRWWrite:
		r.object(p, objRWMutex).writer = g
	case lockerRWRead:
		r.object(p, objRWMutex).readers++
	}
}

func (r *Run) releaseLocker(p unsafe.Pointer, k lockerKind) string {
	switch k {
	case lockerMutex:
		o := r.object(p, objMutex)
		if o.holder == free {
			return "fatal error: sync: unlock of unlocked mutex"
		}
		o.holder = free
	case lockerRWWrite:
		o := r.object(p, objRWMutex)
		if o.writer == free {
			return "fatal error: sync: Unlock of unlocked RWMutex"
		}
		o.writer = free
	case lockerRWRead:
		o := r.object(p, objRWMutex)
		if o.readers == 0 {
			return "fatal error: sync: RUnlock of unlocked RWMutex"
		}
		o.readers--
	}
	return ""
}

// objKindOf tells which model an operation's object has.
func objKindOf(k Kind) objKind {
	switch k {
	case KLock, KUnlock, KTryLock:
		return objMutex
	case KRLock, KRUnlock, KTryRLock, KWLock, KWUnlock, KTryWLock:
		return objRWMutex
	case KWGAdd, KWGWait:
		return objWaitGroup
	case KCondWait, KCondRelock, KCondSignal, KCondBroadcast:
		return objCond
	case KOnce:
		return objOnce
	case KSend, KRecv, KSelect, KClose, KChanLen:
		return objChan
	}
	return objOther
}
