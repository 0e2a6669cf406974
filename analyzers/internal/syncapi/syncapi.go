// Package syncapi recognises the synchronization operations that the
// interleave analyzers reason about: the locks of package sync, the
// reference primitives of github.com/interleave-go/interleave/primitives,
// golang.org/x/sync/semaphore, and the calls that block.
//
// Recognition is by package path, type name and method name, never by
// importing the packages, so that the analyzers work on code that uses
// any version of them and on look-alikes at the same paths.
package syncapi

import (
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// PrimitivesPath is the import path of the reference primitives.
const PrimitivesPath = "github.com/interleave-go/interleave/primitives"

// SemaphorePath is the import path of golang.org/x/sync/semaphore.
const SemaphorePath = "golang.org/x/sync/semaphore"

// Kind says what an operation does to the lock it is applied to.
type Kind uint8

// The kinds of operation.
const (
	Acquire Kind = iota + 1 // takes the lock (or semaphore weight)
	Release                 // gives it back
)

// Family groups the primitives whose operations obey the same rules.
type Family uint8

// The families.
const (
	// Mutex is a non-reentrant exclusive or shared lock.
	Mutex Family = iota + 1
	// Semaphore is a counting semaphore; acquiring twice is legal.
	Semaphore
	// ChanSem is a channel used as a semaphore: a send acquires a
	// slot, a receive releases it.
	ChanSem
)

// Outcome says how an acquire reports success.
type Outcome uint8

// The outcomes.
const (
	Always Outcome = iota // the call blocks until it succeeds
	IfNil                 // held iff the error result is nil
	IfTrue                // held iff the bool result is true (Try*)
)

// An Op is one recognised acquire or release.
type Op struct {
	Instr   ssa.CallInstruction // nil for channel operations
	Chan    ssa.Instruction     // the send or receive, for ChanSem
	API     string              // e.g. "sync.Mutex.Lock"
	Kind    Kind
	Family  Family
	Read    bool // RLock, TryRLock, RUnlock
	Outcome Outcome
	Recv    ssa.Value // the lock: a pointer, an interface or a channel
	Weight  ssa.Value // semaphore weight, nil when implied to be 1
	// NeverFails is true for an IfNil acquire given a context that is
	// never done (context.Background()): it blocks until it succeeds.
	NeverFails bool // Helper is the function of the package that the call runs, when
	// the op is a call of a helper that acquires or releases a lock for
	// its caller (func (c *Cache) lock() { c.mu.Lock() }); Recv is then
	// a *Keyed.
	Helper *ssa.Function
}

// Blocking reports whether the op waits until it succeeds.
func (op *Op) Blocking() bool { return op.Outcome == Always || op.NeverFails }

// Try reports whether the op is a non-blocking attempt.
func (op *Op) Try() bool { return op.Outcome == IfTrue }

// A Method says what a method of a primitive does.
type Method struct {
	Kind    Kind
	Family  Family
	Read    bool
	Outcome Outcome
}

// methods maps "path.Type.Method" to what the method does.
var methods = map[string]Method{
	"sync.Mutex.Lock":       {Acquire, Mutex, false, Always},
	"sync.Mutex.TryLock":    {Acquire, Mutex, false, IfTrue},
	"sync.Mutex.Unlock":     {Release, Mutex, false, Always},
	"sync.RWMutex.Lock":     {Acquire, Mutex, false, Always},
	"sync.RWMutex.TryLock":  {Acquire, Mutex, false, IfTrue},
	"sync.RWMutex.Unlock":   {Release, Mutex, false, Always},
	"sync.RWMutex.RLock":    {Acquire, Mutex, true, Always},
	"sync.RWMutex.TryRLock": {Acquire, Mutex, true, IfTrue},
	"sync.RWMutex.RUnlock":  {Release, Mutex, true, Always},
	"sync.Locker.Lock":      {Acquire, Mutex, false, Always},
	"sync.Locker.Unlock":    {Release, Mutex, false, Always},

	PrimitivesPath + ".Lock.Lock":       {Acquire, Mutex, false, IfNil},
	PrimitivesPath + ".Lock.TryLock":    {Acquire, Mutex, false, IfTrue},
	PrimitivesPath + ".Lock.Unlock":     {Release, Mutex, false, Always},
	PrimitivesPath + ".RWLock.Lock":     {Acquire, Mutex, false, IfNil},
	PrimitivesPath + ".RWLock.TryLock":  {Acquire, Mutex, false, IfTrue},
	PrimitivesPath + ".RWLock.Unlock":   {Release, Mutex, false, Always},
	PrimitivesPath + ".RWLock.RLock":    {Acquire, Mutex, true, IfNil},
	PrimitivesPath + ".RWLock.TryRLock": {Acquire, Mutex, true, IfTrue},
	PrimitivesPath + ".RWLock.RUnlock":  {Release, Mutex, true, Always},

	PrimitivesPath + ".Semaphore.Acquire":           {Acquire, Semaphore, false, IfNil},
	PrimitivesPath + ".Semaphore.TryAcquire":        {Acquire, Semaphore, false, IfTrue},
	PrimitivesPath + ".Semaphore.Release":           {Release, Semaphore, false, Always},
	PrimitivesPath + ".BoundedSemaphore.Acquire":    {Acquire, Semaphore, false, IfNil},
	PrimitivesPath + ".BoundedSemaphore.TryAcquire": {Acquire, Semaphore, false, IfTrue},
	PrimitivesPath + ".BoundedSemaphore.Release":    {Release, Semaphore, false, Always},
	SemaphorePath + ".Weighted.Acquire":             {Acquire, Semaphore, false, IfNil},
	SemaphorePath + ".Weighted.TryAcquire":          {Acquire, Semaphore, false, IfTrue},
	SemaphorePath + ".Weighted.Release":             {Release, Semaphore, false, Always},
}

// blocking lists calls that may block indefinitely, by qualified name.
var blocking = map[string]bool{
	"time.Sleep":                     true,
	"sync.WaitGroup.Wait":            true,
	PrimitivesPath + ".Event.Wait":   true,
	PrimitivesPath + ".Queue.Get":    true,
	PrimitivesPath + ".Queue.Put":    true,
	PrimitivesPath + ".Barrier.Wait": true,
	PrimitivesPath + ".Limiter.Wait": true,
	"net.Dial":                       true,
	"net.DialTimeout":                true,
	"net.Dialer.Dial":                true,
	"net.Dialer.DialContext":         true,
	"net.Conn.Read":                  true,
	"net.Conn.Write":                 true,
	"net.Listener.Accept":            true,
	"net.TCPConn.Read":               true,
	"net.TCPConn.Write":              true,
	"net.TCPListener.Accept":         true,
	"net.UDPConn.ReadFrom":           true,
	"net.UnixConn.Read":              true,
	"net/http.Get":                   true,
	"net/http.Post":                  true,
	"net/http.Head":                  true,
	"net/http.Client.Do":             true,
	"net/http.Client.Get":            true,
	"net/http.Client.Post":           true,
	"os.Open":                        true,
	"os.OpenFile":                    true,
	"os.Create":                      true,
	"os.ReadFile":                    true,
	"os.WriteFile":                   true,
	"os.ReadDir":                     true,
	"os.File.Read":                   true,
	"os.File.ReadAt":                 true,
	"os.File.Write":                  true,
	"os.File.WriteAt":                true,
	"os.File.WriteString":            true,
	"os.File.Sync":                   true,
	"os.File.ReadDir":                true,
	"os/exec.Cmd.Run":                true,
	"os/exec.Cmd.Wait":               true,
	"os/exec.Cmd.Output":             true,
	"os/exec.Cmd.CombinedOutput":     true,
	// A database round trip is network I/O.
	"database/sql.DB.Query":             true,
	"database/sql.DB.QueryContext":      true,
	"database/sql.DB.QueryRow":          true,
	"database/sql.DB.QueryRowContext":   true,
	"database/sql.DB.Exec":              true,
	"database/sql.DB.ExecContext":       true,
	"database/sql.DB.Ping":              true,
	"database/sql.DB.PingContext":       true,
	"database/sql.DB.Begin":             true,
	"database/sql.DB.BeginTx":           true,
	"database/sql.DB.Conn":              true,
	"database/sql.DB.Prepare":           true,
	"database/sql.DB.PrepareContext":    true,
	"database/sql.Tx.Commit":            true,
	"database/sql.Tx.Rollback":          true,
	"database/sql.Tx.Query":             true,
	"database/sql.Tx.QueryContext":      true,
	"database/sql.Tx.QueryRow":          true,
	"database/sql.Tx.QueryRowContext":   true,
	"database/sql.Tx.Exec":              true,
	"database/sql.Tx.ExecContext":       true,
	"database/sql.Tx.Prepare":           true,
	"database/sql.Tx.PrepareContext":    true,
	"database/sql.Conn.QueryContext":    true,
	"database/sql.Conn.QueryRowContext": true,
	"database/sql.Conn.ExecContext":     true,
	"database/sql.Conn.PingContext":     true,
	"database/sql.Conn.BeginTx":         true,
	"database/sql.Conn.PrepareContext":  true,
	"database/sql.Stmt.Query":           true,
	"database/sql.Stmt.QueryContext":    true,
	"database/sql.Stmt.QueryRow":        true,
	"database/sql.Stmt.QueryRowContext": true,
	"database/sql.Stmt.Exec":            true,
	"database/sql.Stmt.ExecContext":     true,
	"net/http.PostForm":                 true,
	"net/http.Client.Head":              true,
	"net/http.Client.PostForm":          true,
	"net.Resolver.LookupHost":           true,
	"net.Resolver.LookupIPAddr":         true,
	"net.LookupHost":                    true,
	"net.LookupIP":                      true,
}

// waits lists the condition-variable waits, which release the lock.
var waits = map[string]bool{
	"sync.Cond.Wait":                   true,
	PrimitivesPath + ".Condition.Wait": true,
}

// Callee returns the qualified name of the function a call invokes
// ("time.Sleep", "sync.Mutex.Lock", "sync.Locker.Unlock") and the
// *types.Func, or "" when the callee is not a named function or method.
func Callee(c *ssa.CallCommon) (string, *types.Func) {
	var fn *types.Func
	if c.IsInvoke() {
		fn = c.Method
	} else if sf := c.StaticCallee(); sf != nil {
		if o := sf.Origin(); o != nil {
			sf = o
		}
		fn, _ = sf.Object().(*types.Func)
	}
	if fn == nil || fn.Pkg() == nil {
		return "", nil
	}
	sig := fn.Type().(*types.Signature)
	if recv := sig.Recv(); recv != nil {
		t := recv.Type()
		if p, ok := types.Unalias(t).(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := types.Unalias(t).(*types.Named)
		if !ok {
			return "", nil
		}
		o := n.Origin().Obj()
		if o.Pkg() == nil {
			return "", nil
		}
		return o.Pkg().Path() + "." + o.Name() + "." + fn.Name(), fn
	}
	return fn.Pkg().Path() + "." + fn.Name(), fn
}

// KnownPath reports whether path is a package whose primitives this
// package knows by name: their methods are classified by the table,
// never by their shape.
func KnownPath(path string) bool {
	return path == "sync" || path == PrimitivesPath || path == SemaphorePath
}

// Classify returns the op performed by a call of a primitive this
// package knows by name, or nil.
func Classify(call ssa.CallInstruction) *Op {
	name, _ := Callee(call.Common())
	e, ok := methods[name]
	if !ok {
		return nil
	}
	return ClassifyAs(call, name, e)
}

// ClassifyAs returns the op performed by a call of the method with the
// qualified name, which does what m says, or nil if the call has no
// receiver.
func ClassifyAs(call ssa.CallInstruction, name string, e Method) *Op {
	c := call.Common()
	op := &Op{Instr: call, API: short(name), Kind: e.Kind, Family: e.Family, Read: e.Read, Outcome: e.Outcome}
	args := c.Args
	if c.IsInvoke() {
		op.Recv = c.Value
	} else {
		if len(args) == 0 {
			return nil
		}
		op.Recv, args = args[0], args[1:]
	}
	if e.Outcome == IfNil {
		for _, a := range args {
			if IsContext(a.Type()) && NeverDone(a) {
				op.NeverFails = true
			}
		}
	}
	if e.Family == Semaphore {
		for _, a := range args {
			if b, ok := a.Type().Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
				op.Weight = a
				break
			}
		}
	}
	return op
}

// IsBlocking reports whether a call may block indefinitely, and names it.
func IsBlocking(call ssa.CallInstruction) (string, bool) {
	name, _ := Callee(call.Common())
	if blocking[name] {
		return short(name), true
	}
	return "", false
}

// IsWait reports whether a call is a condition-variable Wait, and names it.
func IsWait(call ssa.CallInstruction) (string, bool) {
	name, _ := Callee(call.Common())
	if waits[name] {
		return short(name), true
	}
	return "", false
}

// short drops the directories of an import path from a qualified name:
// "golang.org/x/sync/semaphore.Weighted.Acquire" -> "semaphore.Weighted.Acquire".
func short(name string) string {
	return name[strings.LastIndexByte(name, '/')+1:]
}

// Pos returns the position of the operation.
func (op *Op) Pos() token.Pos {
	if op.Instr != nil {
		return op.Instr.Pos()
	}
	return op.Chan.Pos()
}

// IsContext reports whether t is context.Context.
func IsContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

// NeverDone reports whether ctx is known to be context.Background(),
// context.TODO() or context.WithoutCancel(...), directly or as captured by every closure creating
// the function that uses it: a context that is never done.
func NeverDone(ctx ssa.Value) bool {
	return neverDone(ctx, 0)
}

func neverDone(v ssa.Value, depth int) bool {
	if depth > 4 {
		return false
	}
	switch v := v.(type) {
	case *ssa.Call:
		name, _ := Callee(&v.Call)
		return name == "context.Background" || name == "context.TODO" || name == "context.WithoutCancel"
	case *ssa.MakeInterface:
		return neverDone(v.X, depth+1)
	case *ssa.ChangeInterface:
		return neverDone(v.X, depth+1)
	case *ssa.UnOp:
		// A captured variable: the closure loads it through the
		// address of the variable.
		return v.Op == token.MUL && neverDone(v.X, depth+1)
	case *ssa.Alloc:
		found := false
		for _, r := range *v.Referrers() {
			if st, ok := r.(*ssa.Store); ok && st.Addr == v {
				if !neverDone(st.Val, depth+1) {
					return false
				}
				found = true
			}
		}
		return found
	case *ssa.FreeVar:
		fn := v.Parent()
		idx := -1
		for i, fv := range fn.FreeVars {
			if fv == v {
				idx = i
			}
		}
		if fn.Parent() == nil || idx < 0 {
			return false
		}
		found := false
		for _, b := range fn.Parent().Blocks {
			for _, in := range b.Instrs {
				mc, ok := in.(*ssa.MakeClosure)
				if !ok || mc.Fn != fn {
					continue
				}
				if !neverDone(mc.Bindings[idx], depth+1) {
					return false
				}
				found = true
			}
		}
		return found
	}
	return false
}
