package instrument

// The operations the rewriter replaces, keyed by what go/types calls them.

const (
	rtPath      = "github.com/interleave-go/interleave/harness/rt"
	harnessPath = "github.com/interleave-go/interleave/harness"
	rtName      = "_il_rt"
	harnessName = "_il_h"
)

// methods maps "pkg.Type.Method" of a method with a pointer receiver to the
// runtime ABI function that takes the receiver as its first argument.
var methods = map[string]string{
	"sync.Mutex.Lock":    "Lock",
	"sync.Mutex.Unlock":  "Unlock",
	"sync.Mutex.TryLock": "TryLock",

	"sync.RWMutex.Lock":     "RWLock",
	"sync.RWMutex.Unlock":   "RWUnlock",
	"sync.RWMutex.TryLock":  "RWTryLock",
	"sync.RWMutex.RLock":    "RLock",
	"sync.RWMutex.RUnlock":  "RUnlock",
	"sync.RWMutex.TryRLock": "TryRLock",
	"sync.RWMutex.RLocker":  "RLocker",

	"sync.WaitGroup.Add":  "WaitGroupAdd",
	"sync.WaitGroup.Done": "WaitGroupDone",
	"sync.WaitGroup.Wait": "WaitGroupWait",
	"sync.WaitGroup.Go":   "WaitGroupGo",

	"sync.Cond.Wait":      "CondWait",
	"sync.Cond.Signal":    "CondSignal",
	"sync.Cond.Broadcast": "CondBroadcast",

	"sync.Once.Do": "OnceDo",

	"sync.Map.Load":             "MapLoad",
	"sync.Map.Store":            "MapStore",
	"sync.Map.LoadOrStore":      "MapLoadOrStore",
	"sync.Map.LoadAndDelete":    "MapLoadAndDelete",
	"sync.Map.Delete":           "MapDelete",
	"sync.Map.Swap":             "MapSwap",
	"sync.Map.CompareAndSwap":   "MapCompareAndSwap",
	"sync.Map.CompareAndDelete": "MapCompareAndDelete",
	"sync.Map.Range":            "MapRange",
	"sync.Map.Clear":            "MapClear",
}

func init() {
	// The types of sync/atomic: Type.Method becomes TypeMethod.
	for _, t := range []string{"Bool", "Int32", "Int64", "Uint32", "Uint64", "Uintptr", "Pointer", "Value"} {
		for _, m := range []string{"Load", "Store", "Swap", "CompareAndSwap"} {
			methods["sync/atomic."+t+"."+m] = t + m
		}
		if t != "Bool" && t != "Pointer" && t != "Value" {
			for _, m := range []string{"Add", "And", "Or"} {
				methods["sync/atomic."+t+"."+m] = t + m
			}
		}
	}
}

// dynamic maps the methods that an interface value may reach on a sync
// type to the runtime ABI function that looks at the dynamic type: l.Lock()
// on a sync.Locker holding a *sync.Mutex is scheduled, on any other type
// it calls that type's (instrumented) method.
var dynamic = map[string]string{
	"Lock":      "DynLock",
	"Unlock":    "DynUnlock",
	"RLock":     "DynRLock",
	"RUnlock":   "DynRUnlock",
	"TryLock":   "DynTryLock",
	"Wait":      "DynWait",
	"Done":      "DynDone",
	"Signal":    "DynSignal",
	"Broadcast": "DynBroadcast",
}

// funcs maps package functions to the runtime ABI function with the same
// signature.
var funcs = map[string]string{
	"sync.OnceFunc":   "OnceFunc",
	"sync.OnceValue":  "OnceValue",
	"sync.OnceValues": "OnceValues",
	"runtime.Gosched": "Gosched",
}

func init() {
	for _, t := range []string{"Int32", "Int64", "Uint32", "Uint64", "Uintptr"} {
		for _, op := range []string{"Add", "And", "Or"} {
			funcs["sync/atomic."+op+t] = op + t
		}
	}
	for _, t := range []string{"Int32", "Int64", "Uint32", "Uint64", "Uintptr", "Pointer"} {
		for _, op := range []string{"Load", "Store", "Swap", "CompareAndSwap"} {
			funcs["sync/atomic."+op+t] = op + t
		}
	}
}
