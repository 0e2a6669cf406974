package engine

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
	"unsafe"

	"github.com/interleave-go/interleave/harness/internal/srcname"
)

// A traced run names its objects by what the program calls them: the
// expression of each operation at its line (from.mu in from.mu.Lock()),
// read from the source by srcname, and its goroutines by the function
// they run. Only traced runs, which build reports, read the source: the
// runs that explore pay nothing for it.
//
// An object is shown, at each step, with the expression written at that
// step's line, or else with the one of its first operation that has one,
// or else with its kind and number as before (sync.Mutex#1). The number
// qualifies an expression ("from.mu#2") when it alone does not tell the
// object: when it stands for several objects in the trace (from.mu is a
// in one goroutine and b in another), or the object goes by several.

// kindOps says how the source writes the operation of each kind.
var kindOps = [numKinds]srcname.Op{
	KLock:          {Methods: []string{"Lock"}},
	KUnlock:        {Methods: []string{"Unlock"}},
	KTryLock:       {Methods: []string{"TryLock"}},
	KRLock:         {Methods: []string{"RLock"}},
	KRUnlock:       {Methods: []string{"RUnlock"}},
	KTryRLock:      {Methods: []string{"TryRLock"}},
	KWLock:         {Methods: []string{"Lock"}},
	KWUnlock:       {Methods: []string{"Unlock"}},
	KTryWLock:      {Methods: []string{"TryLock"}},
	KWGAdd:         {Methods: []string{"Add", "Done", "Go"}},
	KWGWait:        {Methods: []string{"Wait"}},
	KCondWait:      {Methods: []string{"Wait"}},
	KCondRelock:    {Methods: []string{"Wait"}},
	KCondSignal:    {Methods: []string{"Signal"}},
	KCondBroadcast: {Methods: []string{"Broadcast"}},
	KOnce:          {Methods: []string{"Do"}},
	KSend:          {Send: true},
	KRecv:          {Recv: true},
	KClose:         {Builtins: []string{"close"}},
	KChanLen:       {Builtins: []string{"len", "cap"}},
	KAtomicLoad:    {Methods: []string{"Load"}, Funcs: []string{"sync/atomic.Load"}},
	KAtomicStore: {Methods: []string{"Store", "Swap", "CompareAndSwap", "Add", "And", "Or"},
		Funcs: []string{"sync/atomic.Store", "sync/atomic.Swap", "sync/atomic.CompareAndSwap", "sync/atomic.Add", "sync/atomic.And", "sync/atomic.Or"}},
	KMapRead:    {Methods: mapMethods},
	KMapWrite:   {Methods: mapMethods},
	KTimerNew:   {Assigned: []string{"time.NewTimer", "time.NewTicker", "time.AfterFunc"}},
	KTimerStop:  {Methods: []string{"Stop"}},
	KTimerReset: {Methods: []string{"Reset"}},
}

var mapMethods = []string{"Load", "Store", "LoadOrStore", "LoadAndDelete", "Delete", "Swap", "CompareAndSwap", "CompareAndDelete", "Range", "Clear"}

// A namer names the objects of a traced run.
type namer struct {
	src   *srcname.Reader
	objs  map[unsafe.Pointer]*objName
	texts map[string][]*objName // the objects shown with a text
	seq   [numObjKinds]int
}

// objName is what a namer knows of an object.
type objName struct {
	kind  objKind
	n     int    // its number among the run's objects of its kind, from 1
	own   string // the expression of its first operation that has one
	texts map[string]bool
}

func newNamer() *namer {
	var built time.Time
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			built = fi.ModTime()
		}
	}
	return &namer{src: srcname.NewReader(built), objs: make(map[unsafe.Pointer]*objName), texts: make(map[string][]*objName)}
}

// text returns what the source at f calls the object of an operation of
// kind k, or of the select's case cas if sel.
func (n *namer) text(f runtime.Frame, k Kind, sel bool, cas int) string {
	if f.File == "" {
		return ""
	}
	if sel {
		return n.src.Case(f.File, f.Line, cas)
	}
	if k >= numKinds {
		return ""
	}
	op := kindOps[k]
	if op.Methods == nil && op.Funcs == nil && op.Builtins == nil && !op.Send && !op.Recv && op.Assigned == nil {
		return ""
	}
	return n.src.Object(f.File, f.Line, op)
}

// see records an object met in order, with the text of that meeting.
func (n *namer) see(p unsafe.Pointer, k objKind, text string) {
	o := n.objs[p]
	if o == nil {
		n.seq[k]++
		o = &objName{kind: k, n: n.seq[k], texts: map[string]bool{}}
		n.objs[p] = o
	}
	if o.own == "" {
		o.own = text
	}
}

// use records that p is shown with text, the text of a meeting given to
// see; call it for every meeting once all have been seen.
func (n *namer) use(p unsafe.Pointer, text string) {
	o := n.objs[p]
	if o == nil {
		return
	}
	if text == "" {
		text = o.own
	}
	if text == "" || o.texts[text] {
		return
	}
	o.texts[text] = true
	n.texts[text] = append(n.texts[text], o)
}

// name returns how p is shown at a meeting with text.
func (n *namer) name(p unsafe.Pointer, text string) string {
	o := n.objs[p]
	if o == nil {
		return ""
	}
	if text == "" {
		text = o.own
	}
	if text == "" {
		return fmt.Sprintf("%s#%d", objKindNames[o.kind], o.n)
	}
	others := n.texts[text]
	if len(others) <= 1 && len(o.texts) <= 1 {
		return text
	}
	for _, x := range others {
		if x.kind != o.kind {
			// Numbers are by kind: say which.
			return fmt.Sprintf("%s (%s#%d)", text, objKindNames[o.kind], o.n)
		}
	}
	return fmt.Sprintf("%s#%d", text, o.n)
}

// started returns the function a goroutine runs: the go statement that
// made it says (go row at f), or else its function's name, "" if unknown.
func (n *namer) started(goRow runtime.Frame, entry []uintptr) string {
	if goRow.File != "" {
		if s := n.src.Started(goRow.File, goRow.Line); s != "" {
			return s
		}
	}
	f, ok := userFrame(entry)
	if !ok {
		return ""
	}
	fn := f.Function
	if pkg := funcPackage(fn); len(pkg) < len(fn) {
		fn = fn[len(pkg)+1:]
	}
	return strings.TrimSuffix(fn, "-fm")
}
