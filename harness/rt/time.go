package rt

import (
	"time"
	"unsafe"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// Time in a controlled goroutine is the run's virtual time: it starts at
// the exploration's epoch and moves only when a timer fires, which the
// strategy decides like any other step. Sleeping an hour takes no time.
// Outside an exploration every function here is the time package's.

// Now is time.Now. A goroutine that spins on the clock (reads it a
// thousand times without its moving) is taken to spend time reading it:
// see engine.SpinReads.
func Now() time.Time {
	if r, h := engine.Current(); r != nil {
		return r.ReadClock(h)
	}
	return time.Now()
}

// peekNow is the time the latest read of the clock saw, without a read of
// its own (engine.Run.Peek).
func peekNow() time.Time {
	if r, h := engine.Current(); r != nil {
		return r.Peek(h)
	}
	return time.Now()
}

// Since is time.Since.
func Since(t time.Time) time.Duration { return Now().Sub(t) }

// Until is time.Until.
func Until(t time.Time) time.Duration { return t.Sub(Now()) }

// Sleep is time.Sleep.
func Sleep(d time.Duration) {
	if r, h := engine.Current(); r != nil {
		r.Sleep(h, d)
		return
	}
	time.Sleep(d)
}

// NewTimer is time.NewTimer.
func NewTimer(d time.Duration) *time.Timer {
	if r, h := engine.Current(); r != nil {
		t := new(time.Timer)
		t.C = r.NewTimer(h, unsafe.Pointer(t), d, 0, nil)
		return t
	}
	return time.NewTimer(d)
}

// After is time.After.
func After(d time.Duration) <-chan time.Time { return NewTimer(d).C }

// AfterFunc is time.AfterFunc: f runs in a new goroutine after d.
func AfterFunc(d time.Duration, f func()) *time.Timer {
	if r, h := engine.Current(); r != nil {
		t := new(time.Timer)
		r.NewTimer(h, unsafe.Pointer(t), d, 0, f)
		return t
	}
	return time.AfterFunc(d, f)
}

// NewTicker is time.NewTicker.
func NewTicker(d time.Duration) *time.Ticker {
	if d <= 0 {
		panic("non-positive interval for NewTicker")
	}
	if r, h := engine.Current(); r != nil {
		t := new(time.Ticker)
		t.C = r.NewTimer(h, unsafe.Pointer(t), d, d, nil)
		return t
	}
	return time.NewTicker(d)
}

// Tick is time.Tick.
func Tick(d time.Duration) <-chan time.Time {
	if d <= 0 {
		return nil
	}
	return NewTicker(d).C
}

// TimerStop is (*time.Timer).Stop.
func TimerStop(t *time.Timer) bool {
	if !isVirtual(unsafe.Pointer(t)) {
		return t.Stop()
	}
	if r, h := engine.Current(); r != nil {
		return r.StopTimer(h, unsafe.Pointer(t))
	}
	return false // a virtual timer outside its run: long gone
}

// TimerReset is (*time.Timer).Reset.
func TimerReset(t *time.Timer, d time.Duration) bool {
	if !isVirtual(unsafe.Pointer(t)) {
		return t.Reset(d)
	}
	if r, h := engine.Current(); r != nil {
		return r.ResetTimer(h, unsafe.Pointer(t), d)
	}
	return false
}

// TickerStop is (*time.Ticker).Stop.
func TickerStop(t *time.Ticker) {
	if !isVirtual(unsafe.Pointer(t)) {
		t.Stop()
		return
	}
	if r, h := engine.Current(); r != nil {
		r.StopTimer(h, unsafe.Pointer(t))
	}
}

// TickerReset is (*time.Ticker).Reset.
func TickerReset(t *time.Ticker, d time.Duration) {
	if d <= 0 {
		panic("non-positive interval for Ticker.Reset")
	}
	if !isVirtual(unsafe.Pointer(t)) {
		t.Reset(d)
		return
	}
	if r, h := engine.Current(); r != nil {
		r.ResetTimer(h, unsafe.Pointer(t), d)
	}
}

// isVirtual reports whether a *time.Timer or *time.Ticker was made by this
// package during a run rather than by the time package. Both types are
// struct{ C <-chan Time; init bool } and the time package sets init; the
// layout is checked at start-up (timeLayoutOK), and if it ever changes
// every timer is treated as real.
func isVirtual(t unsafe.Pointer) bool {
	return timeLayoutOK && !*(*bool)(unsafe.Add(t, unsafe.Sizeof((<-chan time.Time)(nil))))
}

var timeLayoutOK = func() bool {
	real := time.NewTimer(time.Hour)
	defer real.Stop()
	tk := time.NewTicker(time.Hour)
	defer tk.Stop()
	off := unsafe.Sizeof((<-chan time.Time)(nil))
	return unsafe.Sizeof(time.Timer{}) == 2*off && unsafe.Sizeof(time.Ticker{}) == 2*off &&
		*(*bool)(unsafe.Add(unsafe.Pointer(real), off)) && *(*bool)(unsafe.Add(unsafe.Pointer(tk), off)) &&
		!*(*bool)(unsafe.Add(unsafe.Pointer(new(time.Timer)), off))
}()
