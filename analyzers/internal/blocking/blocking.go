// Package blocking summarises, for each function, whether a call of it
// may block and where: the operation inside, however deep the calls
// that lead to it. holdblock reports a call of such a function made
// with a lock held.
//
// # What blocks
//
// A channel send (except on a channel known to be buffered, see
// lockflow.Result.Buffered) or receive (except one that gives back a
// semaphore slot, see lockflow.Result.SemRelease), a select without a
// default, a semaphore acquire that is not a Try* (the reference
// primitives, x/sync's, and those recognised by shape), time.Sleep,
// WaitGroup.Wait, the waits of the reference primitives, and network
// and process I/O (syncapi's list, less file I/O, which a helper does
// under its caller's lock by design often enough to be noise), directly
// or through static calls of functions of this package or of imported
// ones (through facts). A mutex acquire is not blocking here: taking a
// second lock is lockorder's business. Code in goroutines that a
// function starts is not its own.
//
// A condition wait (sync.Cond.Wait) releases its lock while it waits.
// In a function that took a lock itself and holds it at the wait, the
// wait is on that lock, and blocks whatever its callers hold. In a
// function that holds no lock of its own there, the wait is on a lock
// its caller holds: it is recorded as such, with the lock's identity
// when the package says which lock the condition variable was made
// with (sync.NewCond(&t.mu) stored in a field).
//
// Summaries of exported functions and methods are exported as facts.
package blocking

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// Analyzer computes a *Result for each package and exports a *Fact for
// each exported function or method that may block.
var Analyzer = &analysis.Analyzer{
	Name:       "blocking",
	Doc:        "summarise which functions may block, and where",
	URL:        "https://github.com/interleave-go/interleave#holdblock",
	Run:        run,
	Requires:   []*analysis.Analyzer{lockflow.Analyzer, buildssa.Analyzer},
	ResultType: reflect.TypeFor[*Result](),
	FactTypes:  []analysis.Fact{new(Fact)},
}

// A Site is an operation that may block.
type Site struct {
	Op   string // "channel send", "time.Sleep"
	Func string // the function it is in: "pkg.F", "pkg.T.M"
	File string // the base name of its file
	Line int
}

// String spells the site: "channel send at a.go:12 in a.flush".
func (s *Site) String() string {
	return fmt.Sprintf("%s at %s:%d in %s", s.Op, s.File, s.Line, s.Func)
}

// A CondWait is a condition wait on a lock the caller holds.
type CondWait struct {
	Site
	L string // the lock's identity (see syncapi.Abstract), "" when unknown
}

// Fact says that a call of a function may block.
type Fact struct {
	// Block may block whatever locks the caller holds; nil if none.
	Block *Site
	// Waits release a lock the caller holds while they wait.
	Waits []CondWait
}

// AFact marks Fact as a fact.
func (*Fact) AFact() {}

// String spells the fact for tests.
func (f *Fact) String() string {
	var parts []string
	if f.Block != nil {
		parts = append(parts, "blocks("+f.Block.String()+")")
	}
	for _, w := range f.Waits {
		parts = append(parts, fmt.Sprintf("waits(%s on %q)", w.Site.String(), syncapi.ShortAbstract(w.L)))
	}
	return strings.Join(parts, " ")
}

// Summary is what a call of a function may block on.
type Summary struct {
	Fact
	// Pos is where the blocking operation is, when it is in this
	// package; token.NoPos otherwise.
	Pos token.Pos
}

// Result holds the summaries of one package.
type Result struct {
	pass  *analysis.Pass
	flow  *lockflow.Result
	sums  map[*ssa.Function]*Summary
	busy  map[*ssa.Function]bool
	conds map[string]string // condition-variable field -> its lock
}

// HarnessPath is the import path of interleave's harness.
const HarnessPath = "github.com/interleave-go/interleave/harness"

// exempt reports whether a package's functions are never summarised:
// the runtime's own channels (the garbage collector's workers, reached
// from any allocation) are not what a caller waits for, and neither are
// the harness's, which hand the scheduler's baton over.
func exempt(path string) bool {
	for _, root := range []string{"runtime", "internal/runtime", HarnessPath} {
		if path == root || strings.HasPrefix(path, root+"/") {
			return true
		}
	}
	return false
}

func run(pass *analysis.Pass) (any, error) {
	if exempt(pass.Pkg.Path()) {
		return &Result{pass: pass, flow: pass.ResultOf[lockflow.Analyzer].(*lockflow.Result)}, nil
	}
	r := &Result{
		pass: pass,
		flow: pass.ResultOf[lockflow.Analyzer].(*lockflow.Result),
		sums: make(map[*ssa.Function]*Summary),
		busy: make(map[*ssa.Function]bool),
	}
	for _, fn := range pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA).SrcFuncs {
		s := r.of(fn)
		if obj, ok := fn.Object().(*types.Func); ok && obj.Exported() && s != nil && fn.Parent() == nil {
			f := s.Fact
			pass.ExportObjectFact(obj, &f)
		}
	}
	return r, nil
}

// Of returns what a call of fn may block on, or nil if nothing is
// known to block: for a function of this package from its body, for
// another from the fact its package exported.
func (r *Result) Of(fn *ssa.Function) *Summary {
	if fn == nil {
		return nil
	}
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if fn.Pkg != nil && fn.Pkg.Pkg == r.pass.Pkg && len(fn.Blocks) > 0 {
		if r.sums == nil {
			return nil // an exempt package
		}
		return r.of(fn)
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok || obj.Pkg() == nil || obj.Pkg() == r.pass.Pkg || exempt(obj.Pkg().Path()) {
		return nil
	}
	var f Fact
	if !r.pass.ImportObjectFact(obj, &f) {
		return nil
	}
	return &Summary{Fact: f}
}

// CondLock returns the identity of the lock that the condition variable
// a Wait is called on was made with, or "".
func (r *Result) CondLock(call ssa.CallInstruction) string {
	c := call.Common()
	recv := c.Value
	if !c.IsInvoke() {
		if len(c.Args) == 0 {
			return ""
		}
		recv = c.Args[0]
	}
	if l := newCondLock(recv); l != "" {
		return l
	}
	id := syncapi.Abstract(recv)
	if id == "" {
		return ""
	}
	if r.conds == nil {
		r.conds = make(map[string]string)
		for _, fn := range r.pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA).SrcFuncs {
			for _, b := range fn.Blocks {
				for _, in := range b.Instrs {
					if st, ok := in.(*ssa.Store); ok {
						if f := syncapi.Abstract(st.Addr); f != "" {
							if l := newCondLock(st.Val); l != "" {
								r.conds[f] = l
							}
						}
					}
				}
			}
		}
	}
	return r.conds[id]
}

// newCondLock returns the identity of the lock given to sync.NewCond,
// if v is such a call.
func newCondLock(v ssa.Value) string {
	call, ok := v.(*ssa.Call)
	if !ok {
		return ""
	}
	if name, _ := syncapi.Callee(&call.Call); name != "sync.NewCond" || len(call.Call.Args) != 1 {
		return ""
	}
	l := call.Call.Args[0]
	if mi, ok := l.(*ssa.MakeInterface); ok {
		l = mi.X
	}
	return syncapi.Abstract(l)
}

func (r *Result) of(fn *ssa.Function) *Summary {
	if s, ok := r.sums[fn]; ok {
		return s
	}
	if r.busy[fn] {
		return nil // recursion: the outer computation covers it
	}
	r.busy[fn] = true
	defer delete(r.busy, fn)
	flow := r.flow.Func(fn)
	s := &Summary{}
	block := func(site Site, pos token.Pos) {
		if s.Block == nil {
			s.Block, s.Pos = &site, pos
		}
	}
	here := func(op string, pos token.Pos) Site {
		p := r.pass.Fset.Position(pos)
		return Site{Op: op, Func: FuncName(fn), File: filepath.Base(p.Filename), Line: p.Line}
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Send:
				if op := opOf(flow, in); op != nil || !r.flow.Buffered(in.Chan) {
					block(here("channel send", in.Pos()), in.Pos())
				}
			case *ssa.UnOp:
				if in.Op != token.ARROW || opOf(flow, in) != nil || r.flow.SemRelease(in.X) {
					continue
				}
				block(here("channel receive", in.Pos()), in.Pos())
			case *ssa.Select:
				if in.Blocking {
					block(here("select", in.Pos()), in.Pos())
				}
			case ssa.CallInstruction:
				if _, isGo := in.(*ssa.Go); isGo {
					continue // another goroutine's
				}
				r.call(fn, flow, in, s, block, here)
			}
		}
	}
	if s.Block == nil && len(s.Waits) == 0 {
		s = nil
	}
	r.sums[fn] = s
	return s
}

func opOf(f *lockflow.Func, in ssa.Instruction) *syncapi.Op {
	if f == nil {
		return nil
	}
	return f.Ops[in]
}

func (r *Result) call(fn *ssa.Function, flow *lockflow.Func, in ssa.CallInstruction, s *Summary, block func(Site, token.Pos), here func(string, token.Pos) Site) {
	if op := r.flow.Classify(in); op != nil {
		if op.Kind == syncapi.Acquire && op.Family != syncapi.Mutex && !op.Try() {
			block(here(op.API, in.Pos()), in.Pos())
		}
		return
	}
	if name, ok := syncapi.IsWait(in); ok {
		switch held, known := holds(flow, in); {
		case !known:
		case held:
			block(here(name, in.Pos()), in.Pos()) // on its own lock
		default:
			s.Waits = append(s.Waits, CondWait{Site: here(name, in.Pos()), L: r.CondLock(in)})
		}
		return
	}
	if name, ok := syncapi.IsBlocking(in); ok {
		if !strings.HasPrefix(name, "os.") {
			block(here(name, in.Pos()), in.Pos())
		}
		return
	}
	callee := in.Common().StaticCallee()
	if callee == nil {
		return
	}
	sum := r.Of(callee)
	if sum == nil {
		return
	}
	if sum.Block != nil {
		block(*sum.Block, sum.Pos)
	}
	for _, w := range sum.Waits {
		switch held, known := holds(flow, in); {
		case !known:
		case held:
			block(w.Site, token.NoPos)
		default:
			s.Waits = append(s.Waits, w)
		}
	}
}

// holds reports whether fn holds a lock it acquired itself when it
// makes call in; known is false when its walk was given up on.
func holds(f *lockflow.Func, in ssa.Instruction) (held, known bool) {
	if f == nil {
		return false, true // it acquires nothing
	}
	if !f.Complete {
		return false, false
	}
	for _, e := range f.Events {
		if e.Instr == in && (e.Kind == lockflow.Wait || e.Kind == lockflow.Call) {
			for _, l := range e.Held() {
				if l.Acq.Family == syncapi.Mutex {
					return true, true
				}
			}
		}
	}
	return false, true
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
