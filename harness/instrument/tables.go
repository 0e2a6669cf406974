package instrument

// The operations the rewriter replaces, keyed by what go/types calls them.

const (
	rtPath      = "github.com/interleave-go/interleave/harness/rt"
	harnessPath = "github.com/interleave-go/interleave/harness"
	modelsPath  = "github.com/interleave-go/interleave/models"
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

	"time.Timer.Stop":   "TimerStop",
	"time.Timer.Reset":  "TimerReset",
	"time.Ticker.Stop":  "TickerStop",
	"time.Ticker.Reset": "TickerReset",
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
	"sync.OnceFunc":        "OnceFunc",
	"sync.OnceValue":       "OnceValue",
	"sync.OnceValues":      "OnceValues",
	"runtime.Gosched":      "Gosched",
	"runtime.SetFinalizer": "SetFinalizer",

	"time.Now":       "Now",
	"time.Since":     "Since",
	"time.Until":     "Until",
	"time.Sleep":     "Sleep",
	"time.NewTimer":  "NewTimer",
	"time.After":     "After",
	"time.AfterFunc": "AfterFunc",
	"time.NewTicker": "NewTicker",
	"time.Tick":      "Tick",

	"context.WithCancel":        "WithCancel",
	"context.WithCancelCause":   "WithCancelCause",
	"context.WithDeadline":      "WithDeadline",
	"context.WithDeadlineCause": "WithDeadlineCause",
	"context.WithTimeout":       "WithTimeout",
	"context.WithTimeoutCause":  "WithTimeoutCause",
	"context.AfterFunc":         "ContextAfterFunc",
}

// randV1 and randV2 are the global functions of math/rand and
// math/rand/v2 that are also methods of *rand.Rand: rand.Intn(n) becomes
// rt.RandV1().Intn(n), drawing from the run's source.
var (
	randV1 = set("ExpFloat64", "Float32", "Float64", "Int", "Int31", "Int31n", "Int63", "Int63n", "Intn",
		"NormFloat64", "Perm", "Shuffle", "Uint32", "Uint64")
	randV2 = set("ExpFloat64", "Float32", "Float64", "Int", "Int32", "Int32N", "Int64", "Int64N", "IntN",
		"NormFloat64", "Perm", "Shuffle", "Uint", "Uint32", "Uint32N", "Uint64", "Uint64N", "UintN")
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool)
	for _, n := range names {
		m[n] = true
	}
	return m
}

// packageFunc returns what replaces a package function of the standard
// library, used in a call or as a value.
func packageFunc(path, name string) (string, bool) {
	switch {
	case path == "math/rand" && randV1[name]:
		return rtName + ".RandV1()." + name, true
	case path == "math/rand/v2" && name == "N":
		return rtName + ".RandN", true
	case path == "math/rand/v2" && randV2[name]:
		return rtName + ".RandV2()." + name, true
	}
	if f, ok := funcs[path+"."+name]; ok {
		return rtName + "." + f, true
	}
	return "", false
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
