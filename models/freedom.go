package models

import "github.com/interleave-go/interleave/harness"

// Deadlock freedom and leak freedom are checked by the exploration engine
// itself, which sees every goroutine's state; these options name them
// where the other properties are named.

// DeadlockFreedom requires every run to end without a deadlock: a moment
// when every goroutine of the run is blocked and no timer can fire. It is
// harness.DeadlockFree(true), on by default.
func DeadlockFreedom() harness.Option { return harness.DeadlockFree(true) }

// AllowDeadlock lets runs end in a deadlock, for code that may deadlock
// by design (a test of the other properties of a lock-order inversion,
// say). It is harness.DeadlockFree(false).
func AllowDeadlock() harness.Option { return harness.DeadlockFree(false) }

// LeakFreedom requires every goroutine a run starts to have returned when
// the body returns. It is harness.LeakFree(true), on by default.
func LeakFreedom() harness.Option { return harness.LeakFree(true) }

// AllowLeaks lets goroutines outlive the body of a run; they are stopped
// at the run's end. It is harness.LeakFree(false).
func AllowLeaks() harness.Option { return harness.LeakFree(false) }
