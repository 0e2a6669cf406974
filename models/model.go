package models

import (
	"fmt"

	"github.com/anishathalye/porcupine"
)

// A Model is the sequential specification of an object, against which a
// recorded history is checked for linearizability: porcupine's Model
// (Init, Step, Equal, DescribeOperation...), with a name for reports.
// Step must not modify the state it is given, and must not panic.
type Model struct {
	Name string // as reports name the model: "FIFO queue (capacity 2)"
	porcupine.Model
}

// Call is the input of an operation of the primitives' models: the
// method called and its argument (the permits of Acquire and Release, the
// value of Put), as Lock() or Put(3).
type Call struct {
	Method string
	Arg    int
}

// String shows the call as code would: Put(3), Get().
func (c Call) String() string {
	switch c.Method {
	case "Acquire", "TryAcquire", "Release", "Put", "TryPut":
		return fmt.Sprintf("%s(%d)", c.Method, c.Arg)
	}
	return c.Method + "()"
}

// Ret is the output of an operation of the primitives' models. Make it
// with Done, Value or Bool, which say what the method returns.
type Ret struct {
	Val  int    // the value returned: got from a queue, a count, an index
	OK   bool   // the boolean returned: TryLock, TryAcquire, IsSet
	Err  string // the error returned, "" for nil
	kind retKind
}

type retKind uint8

const (
	retDone retKind = iota
	retValue
	retBool
)

// Done is the output of a method that returns only an error (nil for
// most): Lock, Unlock, Acquire, Release, Set, Clear, Wait, Put, TryPut.
func Done(err error) Ret { return Ret{Err: errString(err)} }

// Value is the output of a method that returns a value and an error: Get,
// TryGet, Len, Value, Barrier.Wait.
func Value(v int, err error) Ret { return Ret{Val: v, Err: errString(err), kind: retValue} }

// Bool is the output of a method that returns a boolean: TryLock,
// TryAcquire, IsSet, Locked.
func Bool(ok bool) Ret { return Ret{OK: ok, kind: retBool} }

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// String shows what was returned: the error, the value or the
// boolean, or ok.
func (r Ret) String() string {
	switch {
	case r.Err != "":
		return r.Err
	case r.kind == retValue:
		return fmt.Sprint(r.Val)
	case r.kind == retBool:
		return fmt.Sprint(r.OK)
	}
	return "ok"
}

// describe is the DescribeOperation of the models of Call and Ret.
func describe(in, out any) string {
	c, ok1 := in.(Call)
	r, ok2 := out.(Ret)
	if !ok1 || !ok2 {
		return fmt.Sprintf("%v → %v (not a Call and a Ret)", in, out)
	}
	return fmt.Sprintf("%v → %v", c, r)
}

// step adapts a model's step over typed states, Calls and Rets: an
// operation of another type is illegal.
func step[S any](f func(s S, c Call, r Ret) (bool, S)) func(state, in, out any) (bool, any) {
	return func(state, in, out any) (bool, any) {
		c, ok1 := in.(Call)
		r, ok2 := out.(Ret)
		if !ok1 || !ok2 {
			return false, state
		}
		return f(state.(S), c, r)
	}
}

// Lock is the model of a lock: Lock, TryLock, Unlock and Locked. A Lock
// or an Unlock that returns an error took no effect. A TryLock fails only
// while the lock is held.
func Lock() Model {
	return Model{Name: "lock", Model: porcupine.Model{
		Init: func() any { return false },
		Step: step(func(locked bool, c Call, r Ret) (bool, bool) {
			switch c.Method {
			case "Lock":
				if r.Err != "" {
					return true, locked
				}
				return !locked, true
			case "TryLock":
				if r.OK {
					return !locked, true
				}
				return locked, locked
			case "Unlock":
				return locked && r.Err == "", false
			case "Locked":
				return r.OK == locked, locked
			}
			return false, locked
		}),
		DescribeOperation: describe,
		DescribeState: func(s any) string {
			if s.(bool) {
				return "locked"
			}
			return "unlocked"
		},
	}}
}

// Semaphore is the model of a counting semaphore of n permits: Acquire(k),
// TryAcquire(k), Release(k) and Value. An Acquire that returns an error
// took no permits; Release may raise the count above n.
//
// A TryAcquire(k) may fail only while fewer than k permits are available.
// The primitives' TryAcquire also fails while an earlier, larger Acquire
// waits, which the model cannot see: check histories with requests of one
// size, or without a TryAcquire beside a waiting Acquire.
func Semaphore(n int) Model { return semaphore(fmt.Sprintf("semaphore(%d)", n), n, -1) }

// BoundedSemaphore is Semaphore for a semaphore that never holds more
// than its n permits: a Release above them is illegal.
func BoundedSemaphore(n int) Model { return semaphore(fmt.Sprintf("bounded semaphore(%d)", n), n, n) }

func semaphore(name string, n, bound int) Model {
	return Model{Name: name, Model: porcupine.Model{
		Init: func() any { return n },
		Step: step(func(avail int, c Call, r Ret) (bool, int) {
			switch c.Method {
			case "Acquire":
				if r.Err != "" {
					return true, avail
				}
				return avail >= c.Arg, avail - c.Arg
			case "TryAcquire":
				if r.OK {
					return avail >= c.Arg, avail - c.Arg
				}
				return avail < c.Arg, avail
			case "Release":
				return bound < 0 || avail+c.Arg <= bound, avail + c.Arg
			case "Value":
				return r.Val == avail, avail
			}
			return false, avail
		}),
		DescribeOperation: describe,
		DescribeState:     func(s any) string { return fmt.Sprintf("%d available", s) },
	}}
}

// Event is the model of an event: Set, Clear, IsSet and Wait. A Wait that
// returns nil saw the event set at some instant between its call and its
// return; one that returns an error took no effect.
func Event() Model {
	return Model{Name: "event", Model: porcupine.Model{
		Init: func() any { return false },
		Step: step(func(set bool, c Call, r Ret) (bool, bool) {
			switch c.Method {
			case "Set":
				return true, true
			case "Clear":
				return true, false
			case "IsSet":
				return r.OK == set, set
			case "Wait":
				return r.Err != "" || set, set
			}
			return false, set
		}),
		DescribeOperation: describe,
		DescribeState: func(s any) string {
			if s.(bool) {
				return "set"
			}
			return "clear"
		},
	}}
}
