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
	"slices"
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
	// Conds hold whenever the operation runs (it is behind if done !=
	// nil, or if c.quic != nil { return }): a caller that passes nil
	// there, or knows c.quic is not nil, does not block on it.
	Conds []Cond
	// Released are the caller's locks, as keys rooted at the function's
	// parameters or at package variables, that the function has
	// released by the time it blocks there (it drops the lock around
	// the wait): a caller holding one of them does not block holding it.
	Released []syncapi.Key
	// Acquired are mutexes, as keys rooted at the function's parameters
	// or at package variables, that the function has locked by the time
	// it blocks there: a caller holding one of them deadlocks on it
	// first (relock's finding), or never goes that way.
	Acquired []syncapi.Key
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

// maxSites bounds the sites a summary keeps: the first few, which are
// different in what they ask of the caller.
const maxSites = 4

// Fact says that a call of a function may block.
type Fact struct {
	// Blocks may block whatever else the caller holds.
	Blocks []Site
	// Waits release a lock the caller holds while they wait.
	Waits []CondWait
}

// AFact marks Fact as a fact.
func (*Fact) AFact() {}

// String spells the fact for tests.
func (f *Fact) String() string {
	var parts []string
	for _, b := range f.Blocks {
		extra := ""
		for _, c := range b.Conds {
			extra += " if " + c.String()
		}
		for _, k := range b.Released {
			extra += " released " + k.String()
		}
		for _, k := range b.Acquired {
			extra += " acquired " + k.String()
		}
		parts = append(parts, "blocks("+b.String()+extra+")")
	}
	for _, w := range f.Waits {
		parts = append(parts, fmt.Sprintf("waits(%s on %q)", w.Site.String(), syncapi.ShortAbstract(w.L)))
	}
	return strings.Join(parts, " ")
}

// Summary is what a call of a function may block on.
type Summary struct {
	Fact
	// Pos are where the blocking operations of Blocks are, when they
	// are in this package; token.NoPos otherwise.
	Pos []token.Pos
}

// Applies returns the first site of s that blocks a caller making the
// call c while holding the locks held (keys of the caller), and the
// locks of held it blocks; nil if none does. A site whose conditions
// the call's arguments, or what the caller knows where it calls,
// contradict does not block it.
func (r *Result) Applies(s *Summary, c ssa.CallInstruction, held []syncapi.Key) (*Site, token.Pos, []syncapi.Key) {
	args := c.Common().Args
	known := r.knowledge(c.Parent()).holding(c)
	for i := range s.Blocks {
		site := &s.Blocks[i]
		if conds, ok := mapConds(site.Conds, args); !ok || contradicts(conds, known) {
			continue
		}
		if overlaps(mapKeys(site.Acquired, args), held) {
			continue // the callee deadlocks on the caller's lock first
		}
		released := mapKeys(site.Released, args)
		var still []syncapi.Key
		for _, h := range held {
			if !slices.ContainsFunc(released, func(k syncapi.Key) bool { return k.String() == h.String() }) {
				still = append(still, h)
			}
		}
		if len(still) > 0 {
			return site, s.Pos[i], still
		}
	}
	return nil, token.NoPos, nil
}

// knowledge returns the knowledge of fn, made once.
func (r *Result) knowledge(fn *ssa.Function) *knowledge {
	if k, ok := r.know[fn]; ok {
		return k
	}
	if r.know == nil {
		r.know = make(map[*ssa.Function]*knowledge)
	}
	k := newKnowledge(fn)
	r.know[fn] = k
	return k
}

// throughStruct spells k, a callee's key "p0.c.*.mu", as the caller's
// when the argument is a struct the caller made here and whose field c
// it filled with one value (hs := &state{c: c}; hs.run()): the key of
// that value, then ".mu".
func throughStruct(arg ssa.Value, k syncapi.Key) (syncapi.Key, bool) {
	alloc, ok := arg.(*ssa.Alloc)
	if !ok || !strings.HasPrefix(k.Path, ".") {
		return syncapi.Key{}, false
	}
	field, rest, _ := strings.Cut(k.Path[1:], ".")
	rest = "." + rest
	if !strings.HasPrefix(rest, ".*") {
		return syncapi.Key{}, false
	}
	rest = rest[2:]
	var stored ssa.Value
	for _, ref := range *alloc.Referrers() {
		fa, ok := ref.(*ssa.FieldAddr)
		if !ok || fa.X != alloc {
			continue
		}
		st, ok := alloc.Type().Underlying().(*types.Pointer).Elem().Underlying().(*types.Struct)
		if !ok || st.Field(fa.Field).Name() != field {
			continue
		}
		for _, r := range *fa.Referrers() {
			if s, ok := r.(*ssa.Store); ok && s.Addr == fa {
				if stored != nil {
					return syncapi.Key{}, false // filled twice
				}
				stored = s.Val
			}
		}
	}
	if stored == nil {
		return syncapi.Key{}, false
	}
	base, ok := syncapi.KeyOf(stored, nil)
	if !ok {
		return syncapi.Key{}, false
	}
	return syncapi.Key{Root: base.Root, Path: base.Path + rest, Show: base.Show + rest}, true
}

func isNil(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.Value == nil
}

// mapKeys spells the callee's keys as the caller's, through the
// arguments; keys that cannot be spelt are dropped.
func mapKeys(keys []syncapi.Key, args []ssa.Value) []syncapi.Key {
	var out []syncapi.Key
	for _, k := range keys {
		switch {
		case k.Global():
			out = append(out, k)
		case k.Param() >= 0 && k.Param() < len(args):
			if mk, ok := throughStruct(args[k.Param()], k); ok {
				out = append(out, mk)
			} else if base, ok := syncapi.KeyOf(args[k.Param()], nil); ok {
				out = append(out, k.Rebase(base))
			}
		}
	}
	return out
}

// Result holds the summaries of one package.
type Result struct {
	pass  *analysis.Pass
	flow  *lockflow.Result
	sums  map[*ssa.Function]*Summary
	busy  map[*ssa.Function]bool
	conds map[string]string // condition-variable field -> its lock
	know  map[*ssa.Function]*knowledge
}

func opOf(f *lockflow.Func, in ssa.Instruction) *syncapi.Op {
	if f == nil {
		return nil
	}
	return f.Ops[in]
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
	return &Summary{Fact: f, Pos: make([]token.Pos, len(f.Blocks))}
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
	b := &builder{r: r, fn: fn, flow: r.flow.Func(fn), s: &Summary{}, k: r.knowledge(fn)}
	for _, blk := range fn.Blocks {
		for _, in := range blk.Instrs {
			switch in := in.(type) {
			case *ssa.Send:
				if op := opOf(b.flow, in); op != nil || !r.flow.Buffered(in.Chan) && !r.flow.TokenReturn(in.Chan) {
					b.op("channel send", in)
				}
			case *ssa.UnOp:
				if in.Op == token.ARROW && opOf(b.flow, in) == nil && !r.flow.SemRelease(in.X) && !lockflow.DrainsStoppedTimer(in) {
					b.op("channel receive", in)
				}
			case *ssa.Select:
				if in.Blocking && len(in.States) > 0 { // select {} parks on purpose
					b.op("select", in)
				}
			case ssa.CallInstruction:
				if _, isGo := in.(*ssa.Go); !isGo { // a goroutine's is its own
					b.call(in)
				}
			}
		}
	}
	s := b.s
	if len(s.Blocks) == 0 && len(s.Waits) == 0 {
		s = nil
	}
	r.sums[fn] = s
	return s
}

// builder collects the summary of one function.
type builder struct {
	r    *Result
	fn   *ssa.Function
	flow *lockflow.Func
	s    *Summary
	k    *knowledge
}

func (b *builder) here(op string, pos token.Pos) Site {
	p := b.r.pass.Fset.Position(pos)
	return Site{Op: op, Func: lockflow.FuncName(b.fn), File: filepath.Base(p.Filename), Line: p.Line}
}

// add records a site unless one that asks no more of the caller is
// recorded already: no condition the site does not have, no lock
// released that the site does not release. Sites that ask more than
// the new one are dropped; when the summary is full, the new site
// takes the place of one that asks more, if there is one.
func (b *builder) add(site Site, pos token.Pos) {
	asksNoMore := func(x, y *Site) bool { // x blocks wherever y does
		return subset(x.Conds, y.Conds) && subsetKeys(keys(x.Released), keys(y.Released)) && subsetKeys(keys(x.Acquired), keys(y.Acquired))
	}
	for i := range b.s.Blocks {
		if asksNoMore(&b.s.Blocks[i], &site) {
			return
		}
	}
	for i := len(b.s.Blocks) - 1; i >= 0; i-- {
		if asksNoMore(&site, &b.s.Blocks[i]) {
			b.s.Blocks = slices.Delete(b.s.Blocks, i, i+1)
			b.s.Pos = slices.Delete(b.s.Pos, i, i+1)
		}
	}
	if len(b.s.Blocks) < maxSites {
		b.s.Blocks = append(b.s.Blocks, site)
		b.s.Pos = append(b.s.Pos, pos)
		return
	}
	worst, most := -1, len(site.Conds)+len(site.Released)+len(site.Acquired)
	for i, x := range b.s.Blocks {
		if n := len(x.Conds) + len(x.Released) + len(x.Acquired); n > most {
			worst, most = i, n
		}
	}
	if worst >= 0 {
		b.s.Blocks[worst], b.s.Pos[worst] = site, pos
	}
}

// unchanged keeps the conditions, on values as they are at call in,
// that hold of them as the function's caller passed them: no store of
// the function may come before the call.
func (b *builder) unchanged(conds []Cond, in ssa.Instruction) []Cond {
	return slices.DeleteFunc(conds, func(c Cond) bool {
		return b.k.storedBetween(known{Cond: c, at: in}, nil, in)
	})
}

func subsetKeys(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func keys(ks []syncapi.Key) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.String()
	}
	slices.Sort(out)
	return out
}

// op records a blocking operation of the function itself.
func (b *builder) op(name string, in ssa.Instruction) {
	site := b.here(name, in.Pos())
	site.Conds = siteConds(b.k.conds(in))
	site.Released = b.released(in)
	site.Acquired = rooted(b.acquired(in))
	b.add(site, in.Pos())
}

// released returns the caller's locks that the function has released
// on every path that reaches in: dropped (mu.Unlock() first), or dropped
// and taken and dropped again (grpc's resetTransportAndUnlock relocks to
// update its state, and unlocks before it waits).
func (b *builder) released(in ssa.Instruction) []syncapi.Key {
	if b.flow == nil || !b.flow.Complete {
		return nil
	}
	var out []syncapi.Key
	first := true
	for _, e := range b.flow.Events {
		if e.Instr != in || (e.Kind != lockflow.Block && e.Kind != lockflow.Call) {
			continue
		}
		var here []syncapi.Key
		for _, l := range e.Locks {
			if l.Status == lockflow.Released && (l.Key.Param() >= 0 || l.Key.Global()) {
				here = append(here, l.Key)
			}
		}
		if first {
			out, first = here, false
			continue
		}
		out = slices.DeleteFunc(out, func(k syncapi.Key) bool {
			return !slices.ContainsFunc(here, func(h syncapi.Key) bool { return h.String() == k.String() })
		})
	}
	return out
}

// acquired returns the mutexes that the function has locked itself, for
// writing, on every path that reaches in.
func (b *builder) acquired(in ssa.Instruction) []syncapi.Key {
	if b.flow == nil || !b.flow.Complete {
		return nil
	}
	var out []syncapi.Key
	first := true
	for _, e := range b.flow.Events {
		if e.Instr != in || (e.Kind != lockflow.Block && e.Kind != lockflow.Call) {
			continue
		}
		var here []syncapi.Key
		for _, l := range e.Held() {
			if l.Acq != nil && l.Acq.Family == syncapi.Mutex && !l.Read {
				here = append(here, l.Key)
			}
		}
		if first {
			out, first = here, false
			continue
		}
		out = slices.DeleteFunc(out, func(k syncapi.Key) bool { return !overlaps([]syncapi.Key{k}, here) })
	}
	return out
}

// overlaps reports whether a and b share a key.
func overlaps(a, b []syncapi.Key) bool {
	for _, x := range a {
		if slices.ContainsFunc(b, func(y syncapi.Key) bool { return x.String() == y.String() }) {
			return true
		}
	}
	return false
}

func (b *builder) call(in ssa.CallInstruction) {
	if op := b.r.flow.Classify(in); op != nil {
		if op.Kind == syncapi.Acquire && op.Family != syncapi.Mutex && !op.Try() {
			b.op(op.API, in)
		}
		return
	}
	if name, ok := syncapi.IsWait(in); ok {
		switch held, known := holds(b.flow, in); {
		case !known:
		case held:
			b.op(name, in) // on its own lock
		default:
			b.s.Waits = append(b.s.Waits, CondWait{Site: b.here(name, in.Pos()), L: b.r.CondLock(in)})
		}
		return
	}
	if name, ok := syncapi.IsBlocking(in); ok {
		if !strings.HasPrefix(name, "os.") {
			b.op(name, in)
		}
		return
	}
	callee := in.Common().StaticCallee()
	if callee == nil {
		return
	}
	sum := b.r.Of(callee)
	if sum == nil {
		return
	}
	args := in.Common().Args
	released := b.released(in)
	acquired := b.acquired(in)
	known := b.k.holding(in)
	mine := b.k.conds(in)
	for i, site := range sum.Blocks {
		conds, ok := mapConds(site.Conds, args)
		if !ok || contradicts(conds, known) {
			continue // the call does not reach it
		}
		acq := mapKeys(site.Acquired, args)
		if overlaps(acq, acquired) {
			continue // the callee deadlocks on our lock first, or is never called so
		}
		inner := site
		inner.Conds = siteConds(append(b.unchanged(conds, in), mine...))
		inner.Released = append(slices.Clone(released), rooted(mapKeys(site.Released, args))...)
		inner.Acquired = append(rooted(slices.Clone(acquired)), rooted(acq)...)
		b.add(inner, sum.Pos[i])
	}
	for _, w := range sum.Waits {
		switch held, known := holds(b.flow, in); {
		case !known:
		case held:
			b.add(w.Site, token.NoPos)
		default:
			b.s.Waits = append(b.s.Waits, w)
		}
	}
}

// rooted keeps the keys a caller of the function can spell.
func rooted(ks []syncapi.Key) []syncapi.Key {
	return slices.DeleteFunc(ks, func(k syncapi.Key) bool { return k.Param() < 0 && !k.Global() })
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
