package engine

import (
	"fmt"
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
