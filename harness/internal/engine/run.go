package engine

import (
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// active is the run in progress, nil outside explorations. It is the one
// piece of package state: the instrumented code has no other way to find
// the scheduler, and runs are serialized by activeMu.
var (
	active   atomic.Pointer[Run]
	activeMu sync.Mutex

	// exploreMu makes the explorations of a process take turns: runs
	// cannot overlap (activeMu), so two explorations of parallel tests
	// would only share each other's time budget, each handing the baton
	// across cores.
	exploreMu sync.Mutex
)

// Exclusive waits until no other exploration of the process is under way
// and returns the function that ends the caller's.
func Exclusive() (end func()) {
	exploreMu.Lock()
	return exploreMu.Unlock
}

// A Handle is a controlled goroutine's own view of itself. It is written
// only by that goroutine during a run and read by the explorer after the
// run has ended (see the memory rules in doc.go).
type Handle struct {
	id   int
	wake chan reply
	gp   uintptr
	goid uint64
	step int // step of the goroutine's latest transition
	spin clockSpin

	pending []uintptr // callers at the pending scheduling point (tracing)
	caseBuf []CaseDesc
	final   []uintptr // callers where the run's end found the goroutine (tracing)
	locs    []stepLoc // where each of the goroutine's transitions happened (tracing)
	msgs    []Message // Errorf and Logf output

	exit       exitKind
	panicVal   any
	panicStack []byte
	// dying is set when the run ends the goroutine (rAbort): it then runs
	// its deferred calls on a path the program never takes, so every call
	// it makes into the runtime ABI is inert (see teardown).
	dying bool
}

type stepLoc struct {
	step int
	pcs  []uintptr
	typ  string // type of the object, when known (channels)
}

// A Message is a line logged or reported by the test through harness.T.
type Message struct {
	Step  int
	G     int
	Text  string
	Error bool
	File  string // where an error was reported, in a traced run
	Line  int
}

type exitKind uint8

const (
	exitRunning exitKind = iota
	exitReturned
	exitGoexit
	exitPanic
)

// request is what a controlled goroutine tells the engine. It crosses from
// the goroutine to the engine by value; the engine never dereferences its
// pointers except to read channel headers and probe mutexes.
type request struct {
	kind       Kind
	obj        unsafe.Pointer
	aux        unsafe.Pointer // Cond: the locker
	auxKind    lockerKind
	n          int64
	cases      []CaseDesc // owned by the goroutine; copied by the engine
	hasDefault bool
	note       noteKind       // for requests that are not scheduling points
	lock       unsafe.Pointer // under the race detector: the lock probed by the goroutine
	lockFree   bool
	period     int64     // KTimerNew: a ticker's period
	tkind      timerKind // KTimerNew
	f          func()    // KTimerNew: an AfterFunc's function
}

type noteKind uint8

const (
	notePoint     noteKind = iota // a scheduling point
	noteExit                      // the goroutine ends
	noteError                     // Errorf: the run fails, the goroutine goes on
	noteFatal                     // FailNow: the run fails, the goroutine exits
	noteOnceDone                  // a sync.Once function returned
	noteFailPanic                 // the run fails with a fatal error in this goroutine
	noteInvariant                 // a property of the program does not hold
	noteMade                      // the goroutine made a channel
	noteNow                       // time.Now
	noteRand                      // a random number from the run's source
	noteDraw                      // a random number below n: a decision if n is small
	notePeek                      // Peek
)

type replyKind uint8

const (
	rProceed    replyKind = iota // go ahead with the operation
	rRendezvous                  // perform your half of a rendezvous, then wait
	rAbort                       // the run is over: exit now
)

// reply is the engine's answer, sent by value (its fields ordered so that
// it is small to copy: it is handed over at every step).
type reply struct {
	kind  replyKind
	ok    bool
	fresh bool
	cas   int32
	child int32
	step  int
	wake  chan reply
	w     *worker
	ch    chan time.Time // KTimerNew: the timer's channel
	// acquire, under the race detector, is what the goroutine acquires
	// after its operation: the start of the timer whose time it received.
	acquire unsafe.Pointer
	n       int64 // noteNow: the virtual clock; noteRand: the number
}

type envelope struct {
	id int
	h  *Handle
	q  request
}

// Current returns the run and handle of the calling goroutine when it is
// controlled by an exploration, and nil otherwise.
func Current() (*Run, *Handle) {
	r := active.Load()
	if r == nil {
		return nil, nil
	}
	return r.self()
}

func (r *Run) self() (*Run, *Handle) {
	if loadGP(&r.curGP) != gid() {
		return nil, nil
	}
	return r, r.curH.Load()
}

// publish records the calling goroutine as the baton holder, so that its
// calls into the runtime ABI find their way to the engine.
func (r *Run) publish(h *Handle) {
	r.curH.Store(h)
	r.curGP.Store(h.gp)
	r.curGoid.Store(h.goid)
}

// submit hands a request to the engine and returns the goroutine's reply.
// Without the race detector the engine runs right here, on the goroutine
// holding the baton; with it, the explorer's goroutine runs the engine and
// this goroutine only exchanges messages with it. A goroutine being torn
// down submits nothing: its notes (a log line, a made channel, the end of
// a Once) are dropped, and its scheduling points never get here.
func (r *Run) submit(h *Handle, q *request) reply {
	if h.dying {
		return reply{} // engine state is not the goroutine's to read
	}
	if raceEnabled {
		if k := lockOf(q); k != objOther {
			q.lock = q.obj
			if q.kind == KCondWait || q.kind == KCondRelock {
				q.lock = q.aux
			}
			q.lockFree = probeLock(q.lock, k)
		}
		r.hide()
		r.x.reqCh <- envelope{id: h.id, h: h, q: *q}
		rep := <-h.wake
		if rep.kind == rProceed {
			r.publish(h)
		}
		r.unhide()
		return rep
	}
	next, rep := r.handle(h.id, h, q)
	if next == h.id {
		return rep
	}
	if next >= 0 {
		r.gs[next].wake <- rep
	}
	rep = <-h.wake
	if rep.kind == rProceed {
		r.publish(h)
	}
	return rep
}

// submitExit tells the engine that the goroutine ends; it gets no reply.
func (r *Run) submitExit(h *Handle, q *request) {
	if raceEnabled {
		r.hide()
		r.x.reqCh <- envelope{id: h.id, h: h, q: *q}
		r.unhide()
		return
	}
	if next, rep := r.handle(h.id, h, q); next >= 0 {
		r.gs[next].wake <- rep
	}
}

// wait parks the goroutine until the engine gives it the baton.
func (r *Run) wait(h *Handle) reply {
	r.hide()
	rep := <-h.wake
	if rep.kind == rProceed {
		r.publish(h)
	}
	r.unhide()
	return rep
}

// hide and unhide bracket the baton's handoff, which the race detector
// must not see: the only happens-before edges between the program's
// goroutines must be the program's own. Config.VisibleHandoff shows them,
// for the test that proves hiding changes what the detector reports.
func (r *Run) hide() {
	if !r.x.cfg.VisibleHandoff {
		raceDisable()
	}
}

func (r *Run) unhide() {
	if !r.x.cfg.VisibleHandoff {
		raceEnable()
	}
}

// point is a scheduling point: the goroutine stops before the operation
// described by q until the strategy lets it go on. On abort it exits.
func (r *Run) point(h *Handle, q *request) reply {
	if h.dying {
		teardown()
	}
	if r.trace || r.x.cov != nil {
		h.pending = callers(h.pending[:0])
	}
	rep := r.submit(h, q)
	switch rep.kind {
	case rAbort:
		h.abort()
	case rProceed:
		r.noteStep(h, rep.step, "")
		if r.x.cov != nil && q.obj != nil {
			r.x.cov.access(h, q.obj)
		}
	}
	return rep
}

// noteStep remembers where the goroutine's transition at step happened.
func (r *Run) noteStep(h *Handle, step int, typ string) {
	h.step = step
	if r.trace {
		h.locs = append(h.locs, stepLoc{step: step, pcs: append([]uintptr(nil), h.pending...), typ: typ})
	}
}

// A worker is a goroutine that runs controlled goroutines one after
// another, across runs, so that a run does not pay for creating goroutines
// and growing their stacks. Workers are not used under the race detector:
// a goroutine reused would order its successive lives in the detector's
// eyes.
type worker struct {
	jobs chan job
	h    Handle
	idle bool // back in the pool at the end of the run
}

type job struct {
	r       *Run
	id      int
	wake    chan reply
	f       func()
	acquire unsafe.Pointer // under the race detector: what the goroutine acquires first
}

func (w *worker) loop(j job) {
	for {
		if !j.r.goMain(&w.h, j) {
			return
		}
		var ok bool
		if j, ok = <-w.jobs; !ok {
			return
		}
	}
}

// startG starts the goroutine a KGo or the explorer's first step made.
func (r *Run) startG(rep reply, f func()) {
	j := job{r: r, id: int(rep.child), wake: rep.wake, f: f, acquire: rep.acquire}
	switch {
	case rep.w == nil:
		go func() { r.goMain(new(Handle), j) }()
	case rep.fresh:
		go rep.w.loop(j)
	default:
		rep.w.jobs <- j
	}
}

// goMain is the body of every controlled goroutine. It returns only when
// the goroutine's function returned or panicked, not when it exited, and
// reports whether its worker may run another goroutine.
func (r *Run) goMain(h *Handle, j job) (reusable bool) {
	if j.acquire != nil {
		raceAcquire(j.acquire)
	}
	id, wake, f := j.id, j.wake, j.f
	*h = Handle{id: id, wake: wake, gp: gid(), goid: goid(), exit: exitRunning,
		pending: h.pending[:0], caseBuf: h.caseBuf[:0]}
	if r.trace {
		// A goroutine starts where its function is declared.
		h.pending = []uintptr{reflect.ValueOf(f).Pointer() + 1}
	}
	rep := r.wait(h)
	if rep.kind == rAbort {
		h.stopped()
		h.dying = true
		h.exit = exitGoexit
		return r.exitNow(h)
	}
	r.noteStep(h, rep.step, "")
	normal := false
	defer func() {
		if !normal {
			if p := recover(); p != nil {
				h.exit, h.panicVal, h.panicStack = exitPanic, p, debug.Stack()
			} else {
				h.exit = exitGoexit
			}
		}
		reusable = r.exitNow(h)
	}()
	f()
	normal = true
	h.exit = exitReturned
	return true
}

// exitNow ends a controlled goroutine: its memory becomes visible to the
// explorer, and the engine learns that it is gone. It returns false for a
// goroutine the run abandoned, which must not be reused.
func (r *Run) exitNow(h *Handle) bool {
	if r.ended.Load() || r.stuckG.Load() == int64(h.id) {
		return false // an abandoned goroutine coming back
	}
	raceReleaseMerge(unsafe.Pointer(&r.endSync))
	// The goroutine ends while it holds the baton: no goroutine may be
	// taken for the holder once it is gone, not even a new one that the
	// runtime gives its g (a parallel test's, which would think itself
	// inside the run).
	r.curGP.CompareAndSwap(h.gp, 0)
	q := request{note: noteExit, n: int64(h.exit)}
	r.submitExit(h, &q)
	return true
}

// callers returns the program counters of the calling goroutine's stack.
func callers(buf []uintptr) []uintptr {
	if cap(buf) < 64 {
		buf = make([]uintptr, 64)
	}
	buf = buf[:cap(buf)]
	n := runtime.Callers(3, buf)
	return buf[:n]
}

// stopped remembers where the end of the run found the goroutine, before
// its deferred calls move it on.
func (h *Handle) stopped() {
	if h.final == nil && len(h.pending) > 0 {
		h.final = append([]uintptr(nil), h.pending...)
	}
}

// abort ends the goroutine because the run is over for it: it remembers
// where it stopped and exits, running its deferred calls as a torn-down
// goroutine.
func (h *Handle) abort() {
	h.stopped()
	h.dying = true
	runtime.Goexit()
}

// Dying reports whether the goroutine is being torn down: the run ended
// while it was blocked or waiting for its turn, and it is running its
// deferred calls on its way out.
func (h *Handle) Dying() bool { return h.dying }

// teardown is what every call into the runtime ABI does in a goroutine
// being torn down. A blocked goroutine never runs its deferred calls in the
// program; ended with runtime.Goexit, it does. Those calls must neither
// touch real objects (a deferred Unlock of a mutex the goroutine gave up
// before it blocked is a fatal error of the Go runtime) nor change the
// run's report, so the first operation of each deferred call ends that
// call: runtime.Goexit, called again, skips the rest of it and goes on to
// the next deferred call.
func teardown() { runtime.Goexit() }

// Active reports whether an exploration is running in this process. The
// runtime ABI checks it first, so that outside explorations instrumented
// code costs one atomic load an operation.
func Active() bool { return active.Load() != nil }

// lockOf tells which kind of lock a request's probe is about, objOther if
// none.
func lockOf(q *request) objKind {
	switch q.kind {
	case KLock, KUnlock, KTryLock:
		return objMutex
	case KRLock, KRUnlock, KTryRLock, KWLock, KWUnlock, KTryWLock:
		return objRWMutex
	case KCondWait, KCondRelock:
		switch q.auxKind {
		case lockerMutex:
			return objMutex
		case lockerRWWrite, lockerRWRead:
			return objRWMutex
		}
	}
	return objOther
}

var instrumented atomic.Bool

// MarkInstrumented records that the binary contains instrumented code.
func MarkInstrumented() { instrumented.Store(true) }

// Instrumented reports whether MarkInstrumented was called.
func Instrumented() bool { return instrumented.Load() }
