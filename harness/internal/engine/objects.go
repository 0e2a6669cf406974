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
	objTimer
	objOther
	numObjKinds
)

var objKindNames = [numObjKinds]string{"sync.Mutex", "sync.RWMutex", "sync.WaitGroup", "sync.Cond", "sync.Once", "chan", "timer", "object"}

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

	// gw lists the parked goroutines whose pending operation waits on the
	// object, by reg list (regTouch, regSend, ...).
	gw [numRegs][]waiterRef

	// Mutex: the goroutines parked to Lock it, by goroutine number. They
	// can all go on while it is free, and count as a group (ready.go).
	lw      []*G
	lwID    []int32 // their numbers, beside lw: read without touching the Gs
	gon     bool    // the group counts: free, and waited for
	gpos    int     // while gon: its place in readiness.groups
	gsince  int64   // while gon: the clock when it turned on
	gdl     int64   // while gon: its deadline, counted in readiness.dls
	olisted bool    // in readiness.outside

	foreign  bool  // Chan: not made by the run, so code outside it may use it
	crd      uint8 // Chan: whether a send (1), a receive (2) completes alone, as its waiters saw
	ctouched bool  // Chan: in readiness.touchedCh
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
	gw := o.gw
	for i := range gw {
		gw[i] = gw[i][:0]
	}
	*o = object{kind: k, ptr: p, holder: free, writer: free, announced: free, running: free, waiters: o.waiters[:0],
		lw: o.lw[:0], lwID: o.lwID[:0], gw: gw}
	switch k {
	case objMutex:
		if !r.probe(p, k) {
			o.holder = outside
		}
	case objRWMutex:
		if !r.probe(p, k) {
			o.writer = outside
		}
	case objChan:
		o.foreign = true // until the run says it made it (madeChan)
		st := peekChan(p)
		if st.ready(true) {
			o.crd |= 1
		}
		if st.ready(false) {
			o.crd |= 2
		}
	}
	r.objs[p] = o
	return o
}

// madeChan records that a goroutine of the run made the channel at p: no
// goroutine outside the run can be on its other side unless the run hands
// it out.
func (r *Run) madeChan(p unsafe.Pointer) {
	r.object(p, objChan).foreign = false
}

// objectOf returns the model of the object of g's pending operation,
// looked up once per operation.
func (r *Run) objectOf(g *G) *object {
	if g.wobj == nil || g.wobj.ptr != g.op.obj {
		g.wobj = r.object(g.op.obj, objKindOf(g.op.kind))
	}
	return g.wobj
}

// probe reports whether the real lock at p is free. Without the race
// detector the engine runs on a controlled goroutine and tries the lock
// itself. Under the race detector the engine must not touch the program's
// memory, so it uses the probe the goroutine made before its request
// (probeLock), and takes a lock it knows nothing of to be free: if code
// outside the run holds it, the real operation blocks until the holder
// releases it, or the watchdog reports it.
func (r *Run) probe(p unsafe.Pointer, k objKind) bool {
	if raceEnabled {
		return r.probeFor != p || r.probeFree
	}
	return probeLock(p, k)
}

// reprobe reports whether a lock last seen held outside the run is free
// now. Under the race detector the engine cannot look and says yes.
func (r *Run) reprobe(p unsafe.Pointer, k objKind) bool {
	if raceEnabled {
		return true
	}
	return probeLock(p, k)
}

// probeLock tries the lock at p and releases it at once, hiding both from
// the race detector. Under the race detector only controlled goroutines
// call it, for the lock of the request they are about to make.
func probeLock(p unsafe.Pointer, k objKind) bool {
	raceDisable()
	defer raceEnable()

	switch k {
	case objMutex:
		m := (*sync.Mutex)(p)
		if m.TryLock() {
			m.Unlock()
			return true
		}
	case objRWMutex:
		m := (*sync.RWMutex)(p)
		if m.TryLock() {
			m.Unlock()
			return true
		}
	}
	return false
}

// mutexFree reports whether a Mutex can be locked now; a lock held outside
// the run is probed again, since outside code may have released it.
func (r *Run) mutexFree(o *object) bool {
	if o.holder == outside {
		r.volSeen = true // outside code may release it at any time
		if r.reprobe(o.ptr, objMutex) {
			o.holder = free
			r.updateGroup(o)
		}
	}
	return o.holder == free
}

func (r *Run) rwWriterFree(o *object) bool {
	if o.writer == outside {
		r.volSeen = true
		if r.reprobe(o.ptr, objRWMutex) {
			o.writer = free
		}
	}
	return o.writer == free
}

// canRead reports whether RLock can proceed: no writer holds the lock or
// waits for it (Go's RWMutex prefers a waiting writer to new readers).
func (r *Run) canRead(o *object) bool { return r.rwWriterFree(o) && o.announced == free }

// lockerAvailable reports whether a Cond's locker can be taken back.
func (r *Run) lockerAvailable(p unsafe.Pointer, k lockerKind) bool {
	switch k {
	case lockerMutex:
		return r.mutexFree(r.object(p, objMutex))
	case lockerRWWrite:
		o := r.object(p, objRWMutex)
		return r.canRead(o) && o.readers == 0
	case lockerRWRead:
		return r.canRead(r.object(p, objRWMutex))
	}
	return true
}

// lockerObject returns the model of a Cond's locker, nil if the engine
// does not model it.
func (r *Run) lockerObject(p unsafe.Pointer, k lockerKind) *object {
	switch k {
	case lockerMutex:
		return r.object(p, objMutex)
	case lockerRWWrite, lockerRWRead:
		return r.object(p, objRWMutex)
	}
	return nil
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
	case KTimerNew, KTimerStop, KTimerReset:
		return objTimer
	}
	return objOther
}
