// Package shape recognises the locks and semaphores that the analyzers
// do not know by name, a user's or a library's own, by their method
// sets, and by a directive where a shape is ambiguous.
//
// # Shapes
//
// A named type (a struct or any other defined type, or an interface)
// declared outside sync, the reference primitives and
// golang.org/x/sync/semaphore is a primitive when the methods declared
// on it have one of these shapes (see Doc):
//
//	Lock() and Unlock(), with TryLock() bool     a lock
//	Lock(ctx) error and Unlock()                 a lock held when Lock returns nil
//	RLock() and RUnlock(), with TryRLock() bool  a read lock (also RLock(ctx) error)
//	Acquire(ctx, n) error and Release(n)         a weighted semaphore, with TryAcquire(n) bool
//	Acquire(n) [error] and Release(n)            a weighted semaphore without a context
//	Acquire(ctx) error and Release()             a semaphore, with TryAcquire() bool
//	Acquire() and Release()                      a semaphore, with TryAcquire() bool
//	P and V, Down and Up                         the same, with Dijkstra's or the other names
//
// where n has the same integer type in every method. A shape alone is
// not enough when the acquiring method has a body: it must wait (a
// channel operation or select, a lock it keeps, a condition or WaitGroup wait,
// a sleep, or a compare-and-swap, a Try* or a yield in a loop),
// directly or through functions of its package. A Lock that sets a
// flag, or an Acquire that bumps a reference count, is no primitive. A
// lock whose type name says reentrant or recursive may be taken again
// by its holder: it is treated as a semaphore.
//
// # Directive
//
// A comment on the type declaration says what the shapes cannot:
//
//	//interleavevet:primitive acquire=Get release=Put [try=TryGet] [kind=lock|semaphore]
//	//interleavevet:primitive none
//
// The acquire method holds on return, on a nil error if its last result
// is an error; try holds on true; kind says whether a second acquire by
// the holder deadlocks (lock) or is legal (semaphore, the default). An
// integer parameter is the weight. "none" says that a type with a
// shape is no primitive.
//
// The decision about a type is made in its package and exported as a
// fact, so that the analyzers of the packages that use it see it too.
package shape

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// Doc describes the shapes for the documentation of the analyzers that
// use them.
const Doc = `Besides sync, the reference primitives and x/sync's semaphore, a type
is taken for a lock or a semaphore by the methods declared on it:
Lock() and Unlock() (with TryLock() bool), Lock(ctx) error and Unlock(),
RLock() and RUnlock() (or RLock(ctx) error, with TryRLock() bool);
Acquire(ctx, n) error, Acquire(n) error or Acquire(n) with Release(n)
and TryAcquire(n) bool for one integer type of n; Acquire(ctx) error or
Acquire() with Release() and TryAcquire() bool; and the same with the
names P and V, or Down and Up. Where the acquiring method has a body it
must wait (a channel operation, a lock it keeps, a condition or
WaitGroup wait, a sleep, or a compare-and-swap in a loop): a mutex
taken and given back inside, as around a reference count, is not. A lock whose type name says
reentrant or recursive may be taken again. A comment on the type,
//interleavevet:primitive acquire=Get release=Put [try=TryGet]
[kind=lock|semaphore], names the methods where the shape does not, and
//interleavevet:primitive none says that a type is no primitive.`

// Analyzer recognises primitives by shape. It reports nothing itself;
// its result classifies calls, and unbalanced reports malformed
// directives (Result.Problems).
var Analyzer = &analysis.Analyzer{
	Name:       "primshape",
	Doc:        "recognise locks and semaphores by their method sets\n\n" + Doc,
	URL:        "https://github.com/interleave-go/interleave#analyzers",
	Run:        run,
	Requires:   []*analysis.Analyzer{buildssa.Analyzer},
	ResultType: reflect.TypeFor[*Result](),
	FactTypes:  []analysis.Fact{new(TypeFact)},
}

// Role is what one method of a primitive does.
type Role struct {
	Name   string
	Method syncapi.Method
}

// TypeFact says that a type is a lock or a semaphore, and what its
// methods do.
type TypeFact struct {
	Roles []Role
	// Directive is true when a comment said so, rather than the shape.
	Directive bool
}

// AFact marks TypeFact as a fact.
func (*TypeFact) AFact() {}

// String spells the fact for tests: "lock(Lock Unlock TryLock)".
func (f *TypeFact) String() string {
	kind := "semaphore"
	var names []string
	for _, r := range f.Roles {
		if r.Method.Family == syncapi.Mutex {
			kind = "lock"
		}
		names = append(names, r.Name)
	}
	if f.Directive {
		kind += " by directive"
	}
	return kind + "(" + strings.Join(names, " ") + ")"
}

// Result classifies the calls of one package.
type Result struct {
	// Problems are malformed directives, for an analyzer to report.
	Problems []analysis.Diagnostic

	pass       *analysis.Pass
	prog       *ssa.Program
	decided    map[*types.TypeName]*TypeFact // nil: not a primitive
	busy       map[*types.TypeName]bool
	directives map[*types.TypeName]*ast.Comment
	waits      map[*ssa.Function]bool
	waitBusy   map[*ssa.Function]bool
	mu         sync.Mutex
}

func run(pass *analysis.Pass) (any, error) {
	ssainfo := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	r := &Result{
		pass:       pass,
		prog:       ssainfo.Pkg.Prog,
		decided:    make(map[*types.TypeName]*TypeFact),
		busy:       make(map[*types.TypeName]bool),
		directives: make(map[*types.TypeName]*ast.Comment),
		waits:      make(map[*ssa.Function]bool),
		waitBusy:   make(map[*ssa.Function]bool),
	}
	r.findDirectives()
	scope := pass.Pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		if f := r.decide(tn); f != nil {
			pass.ExportObjectFact(tn, f)
		}
	}
	return r, nil
}

// Classify returns the op a call performs on a primitive known by name
// or by shape, or nil. The analyzers that use a Result run at once, in
// goroutines of their own: its lazily filled maps are guarded.
func (r *Result) Classify(call ssa.CallInstruction) *syncapi.Op {
	if op := syncapi.Classify(call); op != nil {
		return op
	}
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.classify(call)
}

func (r *Result) classify(call ssa.CallInstruction) *syncapi.Op {
	if op := syncapi.Classify(call); op != nil {
		return op
	}
	name, fn := syncapi.Callee(call.Common())
	if fn == nil {
		return nil
	}
	m, ok := r.method(fn)
	if !ok {
		return nil
	}
	return syncapi.ClassifyAs(call, name, m)
}

// Method returns what fn, a method, does if its type is a primitive
// recognised by shape or directive.
func (r *Result) Method(fn *types.Func) (syncapi.Method, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.method(fn)
}

func (r *Result) method(fn *types.Func) (syncapi.Method, bool) {
	tn := recvType(fn)
	if tn == nil || tn.Pkg() == nil || syncapi.KnownPath(tn.Pkg().Path()) {
		return syncapi.Method{}, false
	}
	var f *TypeFact
	if tn.Pkg() == r.pass.Pkg {
		f = r.decide(tn)
	} else {
		var imported TypeFact
		if r.pass.ImportObjectFact(tn, &imported) {
			f = &imported
		}
	}
	if f == nil {
		return syncapi.Method{}, false
	}
	for _, role := range f.Roles {
		if role.Name == fn.Name() {
			return role.Method, true
		}
	}
	return syncapi.Method{}, false
}

// recvType returns the type that declares method fn.
func recvType(fn *types.Func) *types.TypeName {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return nil
	}
	t := sig.Recv().Type()
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return nil
	}
	return n.Origin().Obj()
}

// decide says whether tn, a type of this package, is a primitive.
func (r *Result) decide(tn *types.TypeName) *TypeFact {
	if f, ok := r.decided[tn]; ok {
		return f
	}
	if r.busy[tn] || syncapi.KnownPath(r.pass.Pkg.Path()) {
		return nil // being decided: a method that uses its own type
	}
	r.busy[tn] = true
	defer delete(r.busy, tn)
	named, ok := tn.Type().(*types.Named)
	if !ok {
		r.decided[tn] = nil
		return nil
	}
	methods := declared(named)
	var f *TypeFact
	if c, ok := r.directives[tn]; ok {
		f = r.fromDirective(tn, c, methods)
	} else if roles := match(methods); roles != nil && r.waitsToAcquire(roles, methods) {
		if reentrant(tn.Name()) {
			for i := range roles {
				roles[i].Method.Family = syncapi.Semaphore // taking it again is legal
			}
		}
		f = &TypeFact{Roles: roles}
	}
	r.decided[tn] = f
	return f
}

// reentrant reports whether a type's name says that its holder may take
// it again: a relock of it is no deadlock.
func reentrant(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "reentrant") || strings.Contains(n, "recursive")
}

// declared returns the methods declared on named (the explicit ones of
// an interface), by name.
func declared(named *types.Named) map[string]*types.Func {
	m := make(map[string]*types.Func)
	if it, ok := named.Underlying().(*types.Interface); ok {
		for i := 0; i < it.NumExplicitMethods(); i++ {
			m[it.ExplicitMethod(i).Name()] = it.ExplicitMethod(i)
		}
		return m
	}
	for i := 0; i < named.NumMethods(); i++ {
		m[named.Method(i).Name()] = named.Method(i)
	}
	return m
}

// sigOf spells a signature's shape: "" for no parameters and no
// results, "ctx" for a context, "n" for an integer, "error" and "bool"
// for results, "?" for anything else; parameters and results are
// separated by "->". The integer type is returned beside it.
func sigOf(fn *types.Func) (string, types.Type) {
	if fn == nil {
		return "-", nil
	}
	sig := fn.Type().(*types.Signature)
	var n types.Type
	var parts []string
	for i := 0; i < sig.Params().Len(); i++ {
		t := sig.Params().At(i).Type()
		switch {
		case syncapi.IsContext(t):
			parts = append(parts, "ctx")
		case isInteger(t) && n == nil:
			parts = append(parts, "n")
			n = t
		default:
			parts = append(parts, "?")
		}
	}
	s := strings.Join(parts, ",") + "->"
	parts = parts[:0]
	for i := 0; i < sig.Results().Len(); i++ {
		t := sig.Results().At(i).Type()
		switch {
		case types.Identical(t, types.Universe.Lookup("error").Type()):
			parts = append(parts, "error")
		case types.Identical(t, types.Typ[types.Bool]):
			parts = append(parts, "bool")
		default:
			parts = append(parts, "?")
		}
	}
	return s + strings.Join(parts, ","), n
}

func isInteger(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// match returns the roles of the methods if they have one of the
// shapes, or nil.
func match(methods map[string]*types.Func) []Role {
	shape := func(name string) string { s, _ := sigOf(methods[name]); return s }
	var roles []Role
	add := func(name string, kind syncapi.Kind, family syncapi.Family, read bool, out syncapi.Outcome) {
		roles = append(roles, Role{name, syncapi.Method{Kind: kind, Family: family, Read: read, Outcome: out}})
	}
	const (
		acq, rel   = syncapi.Acquire, syncapi.Release
		mu, sem    = syncapi.Mutex, syncapi.Semaphore
		always     = syncapi.Always
		ifNil, try = syncapi.IfNil, syncapi.IfTrue
	)
	for _, m := range []struct {
		lock, unlock, try string
		read              bool
	}{{"Lock", "Unlock", "TryLock", false}, {"RLock", "RUnlock", "TryRLock", true}} {
		if shape(m.unlock) != "->" {
			continue
		}
		switch shape(m.lock) {
		case "->":
			add(m.lock, acq, mu, m.read, always)
		case "ctx->error":
			add(m.lock, acq, mu, m.read, ifNil)
		default:
			continue
		}
		add(m.unlock, rel, mu, m.read, always)
		if shape(m.try) == "->bool" {
			add(m.try, acq, mu, m.read, try)
		}
	}
	if roles != nil {
		return roles
	}
	for _, names := range [][3]string{{"Acquire", "Release", "TryAcquire"}, {"P", "V", ""}, {"Down", "Up", "TryDown"}} {
		if r := semaphore(methods, names[0], names[1], names[2]); r != nil {
			return r
		}
	}
	return nil
}

// semaphore returns the roles of a semaphore whose methods have the
// given names, if their signatures agree: acquire(ctx, n) error,
// acquire(n) error or acquire(n) with release(n) and try(n) bool, for
// one integer type of n; or acquire(ctx) error or acquire() with
// release() and try() bool.
func semaphore(methods map[string]*types.Func, acquire, release, try string) []Role {
	a, an := sigOf(methods[acquire])
	r, rn := sigOf(methods[release])
	t, tn := sigOf(methods[try])
	var roles []Role
	add := func(name string, kind syncapi.Kind, out syncapi.Outcome) {
		roles = append(roles, Role{name, syncapi.Method{Kind: kind, Family: syncapi.Semaphore, Outcome: out}})
	}
	out := syncapi.Always
	if strings.HasSuffix(a, "->error") {
		out = syncapi.IfNil
	}
	switch {
	case (a == "ctx,n->error" || a == "n->error" || a == "n->") && r == "n->" && types.Identical(an, rn):
		add(acquire, syncapi.Acquire, out)
		if t == "n->bool" && types.Identical(tn, an) {
			add(try, syncapi.Acquire, syncapi.IfTrue)
		}
	case (a == "ctx->error" || a == "->") && r == "->":
		add(acquire, syncapi.Acquire, out)
		if t == "->bool" {
			add(try, syncapi.Acquire, syncapi.IfTrue)
		}
	default:
		return nil
	}
	add(release, syncapi.Release, syncapi.Always)
	return roles
}

// waitsToAcquire reports whether every blocking acquire among roles
// that has a body waits.
func (r *Result) waitsToAcquire(roles []Role, methods map[string]*types.Func) bool {
	for _, role := range roles {
		if role.Method.Kind != syncapi.Acquire || role.Method.Outcome == syncapi.IfTrue {
			continue
		}
		fn := r.prog.FuncValue(methods[role.Name])
		if fn == nil || len(fn.Blocks) == 0 {
			continue // no body to look at: the shape decides
		}
		if !r.wait(fn) {
			return false
		}
	}
	return true
}

// wait reports whether fn may wait for another goroutine: a channel
// operation, a blocking select, a blocking acquire, a condition or
// WaitGroup wait, a sleep or blocking I/O, or a compare-and-swap, a
// Try* acquire, a non-blocking select or a yield repeated in a loop;
// directly or through functions of this package.
func (r *Result) wait(fn *ssa.Function) bool {
	if w, ok := r.waits[fn]; ok {
		return w
	}
	if r.waitBusy[fn] {
		return false
	}
	r.waitBusy[fn] = true
	defer delete(r.waitBusy, fn)
	var loops map[*ssa.BasicBlock]bool
	inLoop := func(b *ssa.BasicBlock) bool {
		if loops == nil {
			loops = cyclic(fn)
		}
		return loops[b]
	}
	// A mutex taken and given back within fn is a critical section,
	// not a wait for the primitive (a reference count under a mutex);
	// one fn takes and keeps is (a wrapper of a lock).
	acquired, released := make(map[string]bool), make(map[string]bool)
	w := false
scan:
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Send:
				w = true
			case *ssa.UnOp:
				w = in.Op == token.ARROW
			case *ssa.Select:
				w = in.Blocking || inLoop(b)
			case ssa.CallInstruction:
				if _, isGo := in.(*ssa.Go); isGo {
					continue
				}
				if op := r.classify(in); op != nil && op.Family == syncapi.Mutex && !op.Try() {
					if k, ok := syncapi.KeyOf(op.Recv, nil); ok {
						if op.Kind == syncapi.Acquire {
							acquired[k.String()] = true
						} else {
							released[k.String()] = true
						}
					}
					continue
				}
				if call, ok := in.(*ssa.Call); ok {
					w = r.callWaits(call, inLoop(b))
				}
			}
			if w {
				break scan
			}
		}
	}
	for k := range acquired {
		w = w || !released[k]
	}
	r.waits[fn] = w
	return w
}

func (r *Result) callWaits(call *ssa.Call, loop bool) bool {
	if op := r.classify(call); op != nil && op.Kind == syncapi.Acquire {
		return !op.Try() || loop
	}
	if _, ok := syncapi.IsBlocking(call); ok {
		return true
	}
	if _, ok := syncapi.IsWait(call); ok {
		return true
	}
	name, fn := syncapi.Callee(call.Common())
	if loop && (strings.HasPrefix(name, "sync/atomic.") && strings.Contains(name, "CompareAndSwap") ||
		name == "runtime.Gosched" || fn != nil && strings.HasPrefix(fn.Name(), "Try")) {
		return true
	}
	if callee := call.Call.StaticCallee(); callee != nil {
		if o := callee.Origin(); o != nil {
			callee = o
		}
		if callee.Pkg != nil && callee.Pkg.Pkg == r.pass.Pkg && len(callee.Blocks) > 0 {
			return r.wait(callee)
		}
	}
	return false
}

// cyclic returns the blocks of fn that lie on a cycle.
func cyclic(fn *ssa.Function) map[*ssa.BasicBlock]bool {
	out := make(map[*ssa.BasicBlock]bool)
	for _, b := range fn.Blocks {
		seen := make(map[*ssa.BasicBlock]bool)
		stack := append([]*ssa.BasicBlock(nil), b.Succs...)
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if x == b {
				out[b] = true
				break
			}
			if seen[x] {
				continue
			}
			seen[x] = true
			stack = append(stack, x.Succs...)
		}
	}
	return out
}

// DirectivePrefix starts a directive that declares a primitive.
const DirectivePrefix = "//interleavevet:primitive"

// findDirectives finds the directives on type declarations.
func (r *Result) findDirectives() {
	for _, file := range r.pass.Files {
		for _, decl := range file.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				groups := []*ast.CommentGroup{ts.Doc, ts.Comment}
				if !gd.Lparen.IsValid() {
					groups = append(groups, gd.Doc)
				}
				for _, g := range groups {
					if g == nil {
						continue
					}
					for _, c := range g.List {
						if rest, ok := strings.CutPrefix(c.Text, DirectivePrefix); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
							if tn, ok := r.pass.TypesInfo.Defs[ts.Name].(*types.TypeName); ok {
								r.directives[tn] = c
							}
						}
					}
				}
			}
		}
	}
}

// fromDirective reads a directive; a malformed one is a problem and
// declares nothing.
func (r *Result) fromDirective(tn *types.TypeName, c *ast.Comment, methods map[string]*types.Func) *TypeFact {
	problem := func(format string, args ...any) *TypeFact {
		r.Problems = append(r.Problems, analysis.Diagnostic{Pos: c.Pos(), Message: fmt.Sprintf("%s: %s", DirectivePrefix[2:], fmt.Sprintf(format, args...))})
		return nil
	}
	text, _, _ := strings.Cut(strings.TrimPrefix(c.Text, DirectivePrefix), "//") // a comment after it
	fields := strings.Fields(text)
	if len(fields) == 1 && fields[0] == "none" {
		return nil
	}
	kv := make(map[string]string)
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok || v == "" {
			return problem("%q is not key=value (want acquire=M release=M [try=M] [kind=lock|semaphore], or none)", f)
		}
		switch k {
		case "acquire", "release", "try", "kind":
		default:
			return problem("unknown key %q (want acquire, release, try, kind)", k)
		}
		kv[k] = v
	}
	family := syncapi.Semaphore
	switch kv["kind"] {
	case "", "semaphore":
	case "lock":
		family = syncapi.Mutex
	default:
		return problem("kind=%s: want lock or semaphore", kv["kind"])
	}
	if kv["acquire"] == "" || kv["release"] == "" {
		return problem("both acquire= and release= are needed")
	}
	f := &TypeFact{Directive: true}
	for _, k := range []string{"acquire", "release", "try"} {
		name := kv[k]
		if name == "" {
			continue
		}
		fn := methods[name]
		if fn == nil {
			return problem("%s=%s: %s has no method %s", k, name, tn.Name(), name)
		}
		m := syncapi.Method{Kind: syncapi.Acquire, Family: family, Outcome: syncapi.Always}
		res := fn.Type().(*types.Signature).Results()
		last := types.Type(nil)
		if res.Len() > 0 {
			last = res.At(res.Len() - 1).Type()
		}
		switch k {
		case "release":
			m.Kind = syncapi.Release
		case "try":
			if last == nil || !types.Identical(last, types.Typ[types.Bool]) {
				return problem("try=%s: %s must return a bool", name, name)
			}
			m.Outcome = syncapi.IfTrue
		default:
			if last != nil && types.Identical(last, types.Universe.Lookup("error").Type()) {
				m.Outcome = syncapi.IfNil
			} else if last != nil && types.Identical(last, types.Typ[types.Bool]) {
				m.Outcome = syncapi.IfTrue
			}
		}
		f.Roles = append(f.Roles, Role{name, m})
	}
	return f
}
