//go:build !unix

package engine

import "time"

var cpuStart = time.Now()

// cpuTime returns the wall time since start-up, where the process's CPU
// time is not at hand: the watchdog then counts wall time.
func cpuTime() time.Duration { return time.Since(cpuStart) }
