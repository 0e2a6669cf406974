package rt

import "sync"

// The Dyn functions are method calls through an interface: the rewriter
// cannot tell statically whether l.Lock() reaches a *sync.Mutex, so it
// calls DynLock(l), which schedules the operations of package sync and
// calls any other type's own method, instrumented or not.

// DynLock is l.Lock() for an interface value l.
func DynLock(l interface{ Lock() }) {
	switch l := l.(type) {
	case *sync.Mutex:
		Lock(l)
	case *sync.RWMutex:
		RWLock(l)
	default:
		if rw, ok := rlockerOf(l); ok {
			RLock(rw)
			return
		}
		l.Lock()
	}
}

// DynUnlock is l.Unlock() for an interface value l.
func DynUnlock(l interface{ Unlock() }) {
	switch l := l.(type) {
	case *sync.Mutex:
		Unlock(l)
	case *sync.RWMutex:
		RWUnlock(l)
	default:
		if rw, ok := rlockerOf(l); ok {
			RUnlock(rw)
			return
		}
		l.Unlock()
	}
}

// DynRLock is l.RLock() for an interface value l.
func DynRLock(l interface{ RLock() }) {
	if rw, ok := l.(*sync.RWMutex); ok {
		RLock(rw)
		return
	}
	l.RLock()
}

// DynRUnlock is l.RUnlock() for an interface value l.
func DynRUnlock(l interface{ RUnlock() }) {
	if rw, ok := l.(*sync.RWMutex); ok {
		RUnlock(rw)
		return
	}
	l.RUnlock()
}

// DynTryLock is l.TryLock() for an interface value l.
func DynTryLock(l interface{ TryLock() bool }) bool {
	switch l := l.(type) {
	case *sync.Mutex:
		return TryLock(l)
	case *sync.RWMutex:
		return RWTryLock(l)
	}
	return l.TryLock()
}

// DynWait is w.Wait() for an interface value w.
func DynWait(w interface{ Wait() }) {
	switch w := w.(type) {
	case *sync.WaitGroup:
		WaitGroupWait(w)
	case *sync.Cond:
		CondWait(w)
	default:
		w.Wait()
	}
}

// DynDone is w.Done() for an interface value w.
func DynDone(w interface{ Done() }) {
	if wg, ok := w.(*sync.WaitGroup); ok {
		WaitGroupDone(wg)
		return
	}
	w.Done()
}

// DynSignal is c.Signal() for an interface value c.
func DynSignal(c interface{ Signal() }) {
	if cv, ok := c.(*sync.Cond); ok {
		CondSignal(cv)
		return
	}
	c.Signal()
}

// DynBroadcast is c.Broadcast() for an interface value c.
func DynBroadcast(c interface{ Broadcast() }) {
	if cv, ok := c.(*sync.Cond); ok {
		CondBroadcast(cv)
		return
	}
	c.Broadcast()
}
