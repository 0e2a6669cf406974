// Package lockflow follows, path by path, the state of every lock that
// a function acquires, and records what the interleave analyzers need:
// each acquire and release with the state before it, each blocking
// call, condition wait, call and exit with the locks held there.
//
// It is an analysis pass with no diagnostics of its own, so that the
// analyzers built on it share one walk per package.
//
// # Model
//
// A lock is named by its access path (see syncapi.Key). Its status on
// a path starts as "entry" (whatever the caller left it), and becomes
// held, released, failed (a Try* or Acquire(ctx) that did not succeed),
// pending (a Try* or Acquire(ctx) whose outcome has not been tested
// yet) or unknown (a call may have changed it). Branches on the same
// condition, on a flag set beside the lock, or on the result of a
// Try*/Acquire(ctx) are correlated, so that
//
//	if c { mu.Lock() }; ...; if c { mu.Unlock() }
//
// is one path with the lock and one without, not four. A function whose
// paths exceed a budget is given up on and yields no events: the
// analyzers prefer silence to guesses.
package lockflow

import (
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/shape"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// Analyzer computes a *Result for each package.
var Analyzer = &analysis.Analyzer{
	Name:       "lockflow",
	Doc:        "follow lock state along the paths of each function",
	URL:        "https://github.com/interleave-go/interleave#analyzers",
	Run:        run,
	Requires:   []*analysis.Analyzer{buildssa.Analyzer, shape.Analyzer},
	ResultType: reflect.TypeFor[*Result](),
}

// Result holds the walks of the functions of one package.
type Result struct {
	// Funcs are the functions that acquire or release a lock or wait on
	// a condition variable, in source order.
	Funcs []*Func

	pkg       *ssa.Package
	shapes    *shape.Result
	byFn      map[*ssa.Function]*Func
	sums      map[*ssa.Function]*Summary
	busy      map[*ssa.Function]bool
	fset      *token.FileSet
	noOps     map[*ssa.Function]bool
	must      map[*ssa.BasicBlock]bool
	direct    map[*ssa.Function]bool // see locksDirectly
	funcs     []*ssa.Function        // all functions of the package
	chans     map[string]bool        // see Buffered
	plainRecv map[string]bool        // see scanChans
	chanTypes []chanType
	sent      map[string]bool // see SemRelease
	prefilled map[string]bool // see prefilledChans
	callers   *Callers        // see Callers

	// mu guards the lazily filled maps above: the analyzers that use a
	// Result run at once, in goroutines of their own.
	mu sync.Mutex
}

// Func is the walk of one function.
type Func struct {
	Fn  *ssa.Function
	Ops map[ssa.Instruction]*syncapi.Op
	// Waits are the condition-variable waits, by instruction.
	Waits map[ssa.Instruction]string
	// Events are the distinct events seen on all paths. They are
	// empty when Complete is false.
	Events []*Event
	// Complete is false when the function had too many paths.
	Complete bool
	// Shared are the keys of locks that closures made here acquire:
	// other goroutines may lock and unlock them between this
	// function's own operations.
	Shared map[string]bool
	// ClosureReleases are the keys of locks that closures made here
	// release (a goroutine giving back a semaphore token).
	ClosureReleases map[string]bool
	// Recovers is true when the function defers a recover: a misuse
	// panic may be what it is about.
	Recovers bool

	helperCalls []*ssa.Call // calls of functions of the package that may be lock helpers
	resolved    bool        // the helper calls among them are ops
	walked      bool        // the walk has started
	done        bool        // the walk has finished
	seen        map[string]bool
}

// Status is what a path knows about one lock.
type Status uint8

// The statuses. Entry is the zero value: the lock is as the caller
// left it.
const (
	Entry    Status = iota
	Held            // acquired on this path and not released
	Released        // released on this path
	Failed          // a Try* or Acquire(ctx) on this path did not succeed
	Pending         // a Try* or Acquire(ctx) whose outcome is not yet tested
	Unknown         // a call may have acquired or released it
)

// Lock is the status of one lock on one path.
type Lock struct {
	Key    syncapi.Key
	Status Status
	Read   bool        // held (or was held) for reading
	Acq    *syncapi.Op // the acquire behind Held, Pending, Failed and Released
	Rel    *syncapi.Op // the release behind Released
	cond   string      // term of the outcome of a Pending acquire
}

// EventKind says what an event records.
type EventKind uint8

// The event kinds.
const (
	Acquire      EventKind = iota + 1 // Op acquires Before.Key
	Release                           // Op releases Before.Key
	Call                              // a call of a function of this package
	Block                             // a call or channel operation that may block
	Wait                              // a condition-variable wait
	Return                            // a return
	Panic                             // an explicit panic
	DeferRelease                      // Op, deferred, will release Before.Key
	DeferAcquire                      // Op, deferred, will acquire Before.Key
)

// DeferredAcquire prefixes, in Event.Deferred, the key of a lock that a
// deferred call acquires (defer mu.Lock(), around a wait that dropped
// the caller's lock, or a typo for Unlock).
const DeferredAcquire = "acquire "

// Event is one thing that happens on at least one path.
type Event struct {
	Kind   EventKind
	Instr  ssa.Instruction
	Op     *syncapi.Op // Acquire, Release
	Before Lock        // Acquire, Release: the lock before the op
	// Locks are the locks the path has touched (Call, Block, Wait,
	// Return, Panic), in key order.
	Locks []Lock
	// Deferred are the keys that deferred calls release (Acquire,
	// Return, Panic).
	Deferred []string
	// Name names the blocking operation or wait (Block, Wait).
	Name string
	// Callee and Accesses describe a Call: the locks a callee of this
	// package acquires or releases, as keys of this function (an access
	// whose key cannot be expressed in the caller has a zero Key).
	Callee   *ssa.Function
	Accesses []Access
	// Outcome classifies the last result of a Return: "ok" for a nil
	// error or true, "fail" for a non-nil error or false, "" otherwise.
	Outcome string
}

// Held returns the locks acquired on the path and still held.
func (e *Event) Held() []Lock {
	var held []Lock
	for _, l := range e.Locks {
		if l.Status == Held {
			held = append(held, l)
		}
	}
	return held
}

// Leaks reports whether the lock that op acquires is left held, not by
// a deferred release, on some return while another return releases it:
// what unbalanced reports (a locking helper, which holds it on every
// return, does not leak).
func (f *Func) Leaks(op *syncapi.Op) bool {
	var leak, balanced bool
	for _, e := range f.Events {
		if e.Kind != Return {
			continue
		}
		for _, l := range e.Locks {
			if l.Acq != op {
				continue
			}
			switch {
			case l.Status == Held && !e.IsDeferred(l.Key.String()):
				leak = true
			case l.Status == Held || l.Status == Released:
				balanced = true
			}
		}
	}
	return leak && balanced
}

// Relocks returns, for a Call, the access by which the callee acquires
// on every path a lock that the path holds, and that lock, if the
// acquire deadlocks (see Deadlocks); nil otherwise.
func (e *Event) Relocks() (*Access, *Lock) {
	if e.Kind != Call {
		return nil, nil
	}
	for i := range e.Accesses {
		a := &e.Accesses[i]
		if !a.Acquire || !a.Must || a.Try || a.Family != syncapi.Mutex || a.Key.Root == "" {
			continue
		}
		for j := range e.Locks {
			l := &e.Locks[j]
			if l.Status == Held && l.Key.String() == a.Key.String() && !(l.Read && a.Read) {
				return a, l
			}
		}
	}
	return nil, nil
}

// IsDeferred reports whether a deferred call releases key.
func (e *Event) IsDeferred(key string) bool {
	for _, k := range e.Deferred {
		if k == key {
			return true
		}
	}
	return false
}

// Access is one lock that a function acquires or releases while the
// caller's state of it is unchanged, directly or through calls.
type Access struct {
	Key      syncapi.Key // rooted at a parameter, free variable or global
	Abstract string      // see syncapi.Abstract; may be ""
	Acquire  bool        // else a release
	Read     bool
	Try      bool
	// Must is true when every return of the callee passes through
	// the access, not only some paths.
	Must   bool
	Family syncapi.Family
	API    string    // the innermost operation, "sync.Mutex.Lock"
	Pos    token.Pos // where the innermost operation is
}

// Summary lists what calling a function does to its caller's locks.
type Summary struct {
	Accesses []Access
	// Hold is the lock the function leaves acquired, or released, for
	// its caller: a locking helper (func (c *C) lock() { c.mu.Lock() }),
	// an acquire helper that reports failure (held exactly when it
	// returns nil or true), or an unlocking one. Nil when there is no
	// one such lock.
	Hold *Hold
}

// Hold is what a helper leaves done to one of its caller's locks.
type Hold struct {
	Key      syncapi.Key // rooted at a parameter, free variable or global
	Abstract string
	Kind     syncapi.Kind    // Acquire or Release
	Read     bool            // a read lock
	Outcome  syncapi.Outcome // Always, or IfNil / IfTrue for an acquire helper that reports failure
	T        types.Type      // the lock's type
}

func run(pass *analysis.Pass) (any, error) {
	ssainfo := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	r := &Result{
		pkg:    ssainfo.Pkg,
		shapes: pass.ResultOf[shape.Analyzer].(*shape.Result),
		byFn:   make(map[*ssa.Function]*Func),
		sums:   make(map[*ssa.Function]*Summary),
		busy:   make(map[*ssa.Function]bool),
		noOps:  make(map[*ssa.Function]bool),
		must:   make(map[*ssa.BasicBlock]bool),
		direct: make(map[*ssa.Function]bool),
		fset:   pass.Fset,
		funcs:  ssainfo.SrcFuncs,
	}
	for _, fn := range ssainfo.SrcFuncs {
		if f := r.scan(fn); f != nil {
			r.Funcs = append(r.Funcs, f)
		}
	}
	// A function that only calls functions that lock is walked only if
	// one of them is a lock helper: otherwise its summary is its
	// callees', as for any function that locks nothing itself.
	r.Funcs = slices.DeleteFunc(r.Funcs, func(f *Func) bool {
		if len(f.Ops) > 0 || len(f.Waits) > 0 || f.walked {
			return false
		}
		r.resolveHelpers(f)
		if len(f.Ops) > 0 {
			return false
		}
		delete(r.byFn, f.Fn)
		r.noOps[f.Fn] = true
		return true
	})
	for _, f := range r.Funcs {
		r.walk(f)
	}
	return r, nil
}

// scan finds the recognised operations of fn; it returns nil when
// there are none.
func (r *Result) scan(fn *ssa.Function) *Func {
	if f, ok := r.byFn[fn]; ok {
		return f
	}
	if r.noOps[fn] {
		return nil
	}
	f := &Func{Fn: fn, Ops: make(map[ssa.Instruction]*syncapi.Op), Waits: make(map[ssa.Instruction]string)}
	sends := make(map[string][]ssa.Instruction)
	recvs := make(map[string][]ssa.Instruction)
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case ssa.CallInstruction:
				if op := r.Classify(in); op != nil {
					f.Ops[in] = op
				} else if name, ok := syncapi.IsWait(in); ok {
					f.Waits[in] = name
				} else if c, ok := in.(*ssa.Call); ok {
					if callee := r.local(&c.Call); callee != nil && callee != fn && r.locksDirectly(callee) {
						f.helperCalls = append(f.helperCalls, c)
					}
				}
				if d, ok := in.(*ssa.Defer); ok {
					if mc, ok := d.Call.Value.(*ssa.MakeClosure); ok {
						collectRecvs(mc, recvs)
						f.Recovers = f.Recovers || callsRecover(mc.Fn.(*ssa.Function))
					} else if fn, ok := d.Call.Value.(*ssa.Function); ok {
						f.Recovers = f.Recovers || callsRecover(fn)
					}
				}
			case *ssa.MakeClosure:
				subst := bindings(in)
				for _, cb := range in.Fn.(*ssa.Function).Blocks {
					for _, ci := range cb.Instrs {
						if call, ok := ci.(ssa.CallInstruction); ok {
							if op := r.Classify(call); op != nil && op.Kind == syncapi.Release {
								if k, ok := syncapi.KeyOf(op.Recv, subst); ok {
									if f.ClosureReleases == nil {
										f.ClosureReleases = make(map[string]bool)
									}
									f.ClosureReleases[k.String()] = true
								}
							} else if op != nil && op.Kind == syncapi.Acquire {
								if k, ok := syncapi.KeyOf(op.Recv, subst); ok {
									if f.Shared == nil {
										f.Shared = make(map[string]bool)
									}
									f.Shared[k.String()] = true
								}
							}
						}
					}
				}
			case *ssa.Send:
				if k, ok := semChan(in.Chan); ok {
					sends[k.String()] = append(sends[k.String()], in)
				}
			case *ssa.UnOp:
				if in.Op == token.ARROW {
					if k, ok := semChan(in.X); ok {
						recvs[k.String()] = append(recvs[k.String()], in)
					}
				}
			}
		}
	}
	for k, ss := range sends {
		if len(recvs[k]) == 0 {
			continue
		}
		for _, s := range ss {
			send := s.(*ssa.Send)
			f.Ops[s] = &syncapi.Op{Chan: s, API: "channel send", Kind: syncapi.Acquire, Family: syncapi.ChanSem, Recv: send.Chan}
		}
		for _, rcv := range recvs[k] {
			if rcv.Parent() != fn {
				continue
			}
			u := rcv.(*ssa.UnOp)
			f.Ops[rcv] = &syncapi.Op{Chan: rcv, API: "channel receive", Kind: syncapi.Release, Family: syncapi.ChanSem, Recv: u.X}
		}
	}
	if len(f.Ops) == 0 && len(f.Waits) == 0 && len(f.helperCalls) == 0 {
		r.noOps[fn] = true
		return nil
	}
	r.byFn[fn] = f
	return f
}

// semChan returns the key of a channel of struct{}, the element type
// of channels used as semaphores.
func semChan(ch ssa.Value) (syncapi.Key, bool) {
	if !isSemChanType(ch) {
		return syncapi.Key{}, false
	}
	return syncapi.KeyOf(ch, nil)
}

// collectRecvs records the receives on semaphore channels made by a
// deferred closure, keyed as in the function that defers it.
func collectRecvs(mc *ssa.MakeClosure, recvs map[string][]ssa.Instruction) {
	fn := mc.Fn.(*ssa.Function)
	subst := bindings(mc)
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if u, ok := in.(*ssa.UnOp); ok && u.Op == token.ARROW && isSemChanType(u.X) {
				if k, ok := syncapi.KeyOf(u.X, subst); ok {
					recvs[k.String()] = append(recvs[k.String()], in)
				}
			}
		}
	}
}

// bindings maps the free variables of a closure to the keys of the
// values it captures.
func bindings(mc *ssa.MakeClosure) map[*ssa.FreeVar]syncapi.Key {
	fn := mc.Fn.(*ssa.Function)
	subst := make(map[*ssa.FreeVar]syncapi.Key)
	for i, b := range mc.Bindings {
		if k, ok := syncapi.KeyOf(b, nil); ok && i < len(fn.FreeVars) {
			subst[fn.FreeVars[i]] = k
		}
	}
	return subst
}

// Classify returns the op a call performs on a primitive known by name
// or by shape (see package shape), or nil.
func (r *Result) Classify(call ssa.CallInstruction) *syncapi.Op { return r.shapes.Classify(call) }

// Shapes returns the recognition of primitives by shape.
func (r *Result) Shapes() *shape.Result { return r.shapes }

// locksDirectly reports whether fn itself locks or unlocks a mutex: a
// function that may be a lock helper.
func (r *Result) locksDirectly(fn *ssa.Function) bool {
	if d, ok := r.direct[fn]; ok {
		return d
	}
	d := false
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if c, ok := in.(*ssa.Call); ok {
				if op := r.Classify(c); op != nil && op.Family == syncapi.Mutex {
					d = true
				}
			}
		}
	}
	r.direct[fn] = d
	return d
}

// Func returns the walk of fn, a function of this package, or nil if
// fn acquires, releases and waits on nothing.
func (r *Result) Func(fn *ssa.Function) *Func {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.byFn[fn]
	if f != nil {
		r.walk(f)
	}
	return f
}

// SrcFuncs returns the functions of the package, closures included.
func (r *Result) SrcFuncs() []*ssa.Function { return r.funcs }

// Pkg returns the SSA package the result is about.
func (r *Result) Pkg() *ssa.Package { return r.pkg }

// callsRecover reports whether fn calls the built-in recover.
func callsRecover(fn *ssa.Function) bool {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if c, ok := in.(*ssa.Call); ok {
				if bi, ok := c.Call.Value.(*ssa.Builtin); ok && bi.Name() == "recover" {
					return true
				}
			}
		}
	}
	return false
}

// FuncName spells fn as "pkg.F", "pkg.T.M" or "pkg.F.func1".
func FuncName(fn *ssa.Function) string {
	name := fn.Name()
	for p := fn.Parent(); p != nil; p = p.Parent() {
		fn = p
	}
	if recv := fn.Signature.Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	if fn.Pkg != nil {
		name = fn.Pkg.Pkg.Name() + "." + name
	}
	return name
}
