package engine

import (
	"fmt"
	"runtime"
	"time"
)

// AfterBody is how long, in virtual time, the goroutines a test body
// leaves behind have to end once it has returned, as goleak gives them
// while it retries: timers due later do not fire. A goroutine that only a
// later timer would wake (a reaper's ticker that nobody stops, a sleep of
// an hour) is then blocked for good, and the run ends with a leak at once,
// instead of the clock ticking on to the step limit for a goroutine that
// never ends.
const AfterBody = time.Second

// pastGrace reports whether timer t is due past the grace after the body,
// and notes that one was when it is.
func (r *Run) pastGrace(t *vtimer) bool {
	if !r.bodyDone || t.when <= r.bodyEnd+int64(AfterBody) {
		return false
	}
	r.graceCut = true
	return true
}

// graceNote says, in a leak's message, that timers were left unfired.
func (r *Run) graceNote() string {
	if !r.graceCut {
		return ""
	}
	return fmt.Sprintf(" (for %v; what only a later timer would wake was left waiting)", AfterBody)
}

// NoteFinalizer records that a goroutine of the run set a finalizer
// (runtime.SetFinalizer in instrumented code).
func (r *Run) NoteFinalizer() { r.finalizer.Store(true) }

// Ended reports whether the run is over: its goroutines are gone.
func (r *Run) Ended() bool { return r.ended.Load() }

// finalized handles a run whose body returned and whose goroutines are all
// blocked, when the run set finalizers: what a finalizer does may release
// them (a cache's janitor that stops when the cache is collected), as it
// would in a process that lives on. It collects garbage once, waits a
// little for the finalizers, which run outside the run, and reports
// whether a goroutine can go on.
func (r *Run) finalized() bool {
	if !r.bodyDone || r.collected || !r.finalizer.Load() {
		return false
	}
	r.collected = true
	runtime.GC()
	deadline := time.Now().Add(finalizerWait)
	for pause := 20 * time.Microsecond; time.Now().Before(deadline); pause = min(2*pause, time.Millisecond) {
		time.Sleep(pause)
		r.heartbeat.Add(1)
		r.rd.nextFull = r.nsteps // check every goroutine: a finalizer ran outside
		if len(r.collect()) > 0 {
			return true
		}
	}
	return false
}

// finalizerWait is how long finalized waits for finalizers to run.
const finalizerWait = 20 * time.Millisecond
