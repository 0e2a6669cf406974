package engine

import (
	"strings"
	"time"
)

// What the watchdog makes of the goroutine holding the baton when the run
// has made no progress for the watchdog's time, from its stack.
type holderState uint8

const (
	holderBlocked holderState = iota // waits on something outside the run: stuck unless it moves
	holderBusy                       // running or waiting for a CPU: stuck only after a watchdog's time of CPU
	holderSlow                       // in a system call or waiting for a child process: slow, not stuck
)

// classify reads a goroutine's stack ("goroutine 7 [chan receive]:...").
func classify(stack string) holderState {
	status, rest, _ := strings.Cut(stack, "\n")
	_, status, _ = strings.Cut(status, "[")
	status, _, _ = strings.Cut(status, "]")
	status, _, _ = strings.Cut(status, ",") // "[select, 2 minutes]"
	switch {
	case strings.HasPrefix(status, "syscall"):
		return holderSlow
	case status == "running", status == "runnable", status == "preempted", strings.HasPrefix(status, "GC"):
		return holderBusy
	}
	// A test waiting for a process it started waits for the process, and
	// for the goroutines that copy its output, in package os/exec.
	for _, f := range []string{"os/exec.(*Cmd).Wait(", "os.(*Process).Wait(", "os.(*Process).wait("} {
		if strings.Contains("\n"+rest, "\n"+f) {
			return holderSlow
		}
	}
	return holderBlocked
}

// A watch is the watchdog's view of one run: when it last made progress,
// and how much CPU the process has had since.
type watch struct {
	run   *Run
	steps int64
	since time.Time
	cpu   time.Duration
}

// stuck reports whether the run's baton holder is stuck at now. A run is
// stuck when it has made no progress for wd and its holder waits on
// something outside the run (read twice, wd apart: a goroutine that moved
// is not stuck), or, when the holder runs code without scheduling points,
// after the process has had wd of CPU time since the last progress: on a
// busy machine a goroutine waiting for a CPU is not stuck. A holder in a
// system call, or waiting for a child process, is slow and never stuck.
func (w *watch) stuck(r *Run, now time.Time, wd time.Duration) bool {
	s := r.steps.Load() + r.heartbeat.Load()
	if r != w.run || s != w.steps {
		*w = watch{run: r, steps: s, since: now, cpu: cpuTime()}
		return false
	}
	if now.Sub(w.since) < wd {
		return false
	}
	switch classify(goroutineStack(r.curGoid.Load())) {
	case holderSlow:
		w.since, w.cpu = now, cpuTime()
		return false
	case holderBusy:
		if cpuTime()-w.cpu < wd {
			return false
		}
	}
	// Confirm: no progress while the stack was read.
	return r.steps.Load()+r.heartbeat.Load() == w.steps
}
