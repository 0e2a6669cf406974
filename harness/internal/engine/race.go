//go:build race

package engine

import (
	"runtime"
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
