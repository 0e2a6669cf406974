//go:build race

package engine

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// raceEnabled reports whether the race detector is compiled in. Under the
// race detector the engine runs on the exploring goroutine and controlled
// goroutines talk to it by message, so that no engine memory is shared
// without a happens-before edge the detector can see (see doc.go).
const raceEnabled = true

// raceDisable hides the synchronization events of the calling goroutine
// from the race detector until raceEnable: the baton handoff must not order
// the program's goroutines in the detector's eyes.
func raceDisable() { runtime.RaceDisable() }
func raceEnable()  { runtime.RaceEnable() }

// raceRelease and raceAcquire order a run's goroutines before the explorer
// at the end of a run, so that the next run does not race with this one.
func raceReleaseMerge(p unsafe.Pointer) { runtime.RaceReleaseMerge(p) }
func raceAcquire(p unsafe.Pointer)      { runtime.RaceAcquire(p) }

// raceErrors returns the number of reports the race detector has printed.
func raceErrors() int { return runtime.RaceErrors() }

// loadGP reads the baton holder's goroutine. Any goroutine may ask
// whether it holds the baton, also one that has no happens-before edge
// with the run's start (a parallel test calling Explore): the run is
// published to it with the detector looking away (Explorer.Run), so the
// read must look away too, or the detector reports the harness's own
// bookkeeping as a race of the program. A word-sized aligned load is not
// torn; a goroutine that does not hold the baton reads some other
// goroutine's g, never its own.
//
//go:norace
func loadGP(p *atomic.Uintptr) uintptr { return *(*uintptr)(unsafe.Pointer(p)) }
