package rt

import (
	"reflect"
	"runtime"
	"sync"
	"unsafe"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

func runtimeGosched() { runtime.Gosched() }

var rlockerType = reflect.TypeOf(new(sync.RWMutex).RLocker())

// rlockerOf returns the RWMutex behind a Locker made by RLocker.
func rlockerOf(l any) (*sync.RWMutex, bool) {
	if reflect.TypeOf(l) != rlockerType {
		return nil, false
	}
	return (*sync.RWMutex)(reflect.ValueOf(l).UnsafePointer()), true
}

// atomicRead and atomicWrite are the scheduling points before an atomic
// operation that reads, or may write, the word at addr. They take one
// argument so that the wrappers that call them stay small enough to be
// inlined.
func atomicRead(addr unsafe.Pointer) {
	if r, h := engine.Current(); r != nil {
		r.Atomic(h, addr, false)
	}
}

func atomicWrite(addr unsafe.Pointer) {
	if r, h := engine.Current(); r != nil {
		r.Atomic(h, addr, true)
	}
}

func mapPoint(m *sync.Map, write bool) {
	if r, h := engine.Current(); r != nil {
		r.MapOp(h, m, write)
	}
}

// MapLoad is (*sync.Map).Load.
func MapLoad(m *sync.Map, key any) (value any, ok bool) {
	if engine.Active() {
		mapPoint(m, false)
	}
	return m.Load(key)
}

// MapStore is (*sync.Map).Store.
func MapStore(m *sync.Map, key, value any) {
	if engine.Active() {
		mapPoint(m, true)
	}
	m.Store(key, value)
}

// MapLoadOrStore is (*sync.Map).LoadOrStore.
func MapLoadOrStore(m *sync.Map, key, value any) (actual any, loaded bool) {
	if engine.Active() {
		mapPoint(m, true)
	}
	return m.LoadOrStore(key, value)
}

// MapLoadAndDelete is (*sync.Map).LoadAndDelete.
func MapLoadAndDelete(m *sync.Map, key any) (value any, loaded bool) {
	if engine.Active() {
		mapPoint(m, true)
	}
	return m.LoadAndDelete(key)
}

// MapDelete is (*sync.Map).Delete.
func MapDelete(m *sync.Map, key any) {
	if engine.Active() {
		mapPoint(m, true)
	}
	m.Delete(key)
}

// MapSwap is (*sync.Map).Swap.
func MapSwap(m *sync.Map, key, value any) (previous any, loaded bool) {
	if engine.Active() {
		mapPoint(m, true)
	}
	return m.Swap(key, value)
}

// MapCompareAndSwap is (*sync.Map).CompareAndSwap.
func MapCompareAndSwap(m *sync.Map, key, old, new any) (swapped bool) {
	if engine.Active() {
		mapPoint(m, true)
	}
	return m.CompareAndSwap(key, old, new)
}

// MapCompareAndDelete is (*sync.Map).CompareAndDelete.
func MapCompareAndDelete(m *sync.Map, key, old any) (deleted bool) {
	if engine.Active() {
		mapPoint(m, true)
	}
	return m.CompareAndDelete(key, old)
}

// MapRange is (*sync.Map).Range.
func MapRange(m *sync.Map, f func(key, value any) bool) {
	if engine.Active() {
		mapPoint(m, false)
	}
	m.Range(f)
}

// MapClear is (*sync.Map).Clear.
func MapClear(m *sync.Map) {
	if engine.Active() {
		mapPoint(m, true)
	}
	m.Clear()
}

// MarkInstrumented is called by the init function the rewriter adds to
// every package it instruments.
func MarkInstrumented() { engine.MarkInstrumented() }

// Instrumented reports whether the running binary was built with
// instrumented packages.
func Instrumented() bool { return engine.Instrumented() }

// SetFinalizer is runtime.SetFinalizer. Set in a run, the finalizer runs
// only while the run is under way: once it has ended, the goroutines and
// channels the finalizer would stop or wake (a cache's janitor) are gone,
// and a send to one of them would block the process's finalizer goroutine
// for ever. The run notes it, so that the goroutines left blocked after
// the body are given the finalizers' chance before they count as leaked.
func SetFinalizer(obj any, finalizer any) {
	r, _ := engine.Current()
	if r == nil || finalizer == nil {
		runtime.SetFinalizer(obj, finalizer)
		return
	}
	r.NoteFinalizer()
	f := reflect.ValueOf(finalizer)
	if f.Kind() != reflect.Func {
		runtime.SetFinalizer(obj, finalizer) // its own error
		return
	}
	t := f.Type()
	runtime.SetFinalizer(obj, reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		if !r.Ended() {
			return f.Call(args)
		}
		out := make([]reflect.Value, t.NumOut())
		for i := range out {
			out[i] = reflect.Zero(t.Out(i))
		}
		return out
	}).Interface())
}
