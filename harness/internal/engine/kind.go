package engine

// Kind is the kind of operation a goroutine performs at a scheduling point.
type Kind uint8

// The operations the engine schedules. Each one is a scheduling point: the
// goroutine stops before it and the strategy picks who goes next.
const (
	KStart         Kind = iota // first step of a new goroutine
	KResume                    // continue after a partner completed a rendezvous
	KGo                        // go statement
	KLock                      // sync.Mutex.Lock
	KUnlock                    // sync.Mutex.Unlock
	KTryLock                   // sync.Mutex.TryLock
	KRLock                     // sync.RWMutex.RLock
	KRUnlock                   // sync.RWMutex.RUnlock
	KTryRLock                  // sync.RWMutex.TryRLock
	KWLock                     // sync.RWMutex.Lock
	KWUnlock                   // sync.RWMutex.Unlock
	KTryWLock                  // sync.RWMutex.TryLock
	KWGAdd                     // sync.WaitGroup.Add and Done
	KWGWait                    // sync.WaitGroup.Wait
	KCondWait                  // sync.Cond.Wait: join the waiters and release the lock
	KCondRelock                // sync.Cond.Wait: woken, take the lock back
	KCondSignal                // sync.Cond.Signal
	KCondBroadcast             // sync.Cond.Broadcast
	KOnce                      // sync.Once.Do
	KSend                      // channel send
	KRecv                      // channel receive
	KSelect                    // select statement
	KClose                     // close of a channel
	KChanLen                   // len or cap of a channel
	KAtomicLoad                // sync/atomic load
	KAtomicStore               // sync/atomic store, swap, add, compare-and-swap, and, or
	KMapRead                   // sync.Map read
	KMapWrite                  // sync.Map write
	KYield                     // runtime.Gosched
	KSleep                     // time.Sleep
	KTimerNew                  // time.NewTimer, AfterFunc, NewTicker
	KTimerStop                 // Timer.Stop, Ticker.Stop
	KTimerReset                // Timer.Reset, Ticker.Reset
	KTimer                     // a timer fires (no goroutine: the clock's own transition)
	KRand                      // a draw of math/rand among few values: a decision like a schedule's
	numKinds
)

var kindNames = [numKinds]string{
	KStart:         "start",
	KResume:        "resume",
	KGo:            "go",
	KLock:          "Lock",
	KUnlock:        "Unlock",
	KTryLock:       "TryLock",
	KRLock:         "RLock",
	KRUnlock:       "RUnlock",
	KTryRLock:      "TryRLock",
	KWLock:         "Lock",
	KWUnlock:       "Unlock",
	KTryWLock:      "TryLock",
	KWGAdd:         "Add",
	KWGWait:        "Wait",
	KCondWait:      "Wait",
	KCondRelock:    "Wait (relock)",
	KCondSignal:    "Signal",
	KCondBroadcast: "Broadcast",
	KOnce:          "Do",
	KSend:          "send",
	KRecv:          "receive",
	KSelect:        "select",
	KClose:         "close",
	KChanLen:       "len",
	KAtomicLoad:    "atomic load",
	KAtomicStore:   "atomic store",
	KMapRead:       "Map read",
	KMapWrite:      "Map write",
	KYield:         "Gosched",
	KSleep:         "Sleep",
	KTimerNew:      "new timer",
	KTimerStop:     "Stop",
	KTimerReset:    "Reset",
	KTimer:         "timer fires",
	KRand:          "rand",
}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "unknown"
}

// Writes reports whether the operation changes the state of its object;
// two operations on one object conflict unless neither writes.
func (k Kind) Writes() bool {
	switch k {
	case KAtomicLoad, KMapRead, KChanLen, KStart, KResume, KYield, KSleep, KRand:
		return false
	}
	return true
}
