// Package lockorder defines an Analyzer that reports two locks
// acquired in opposite orders, a potential deadlock.
package lockorder

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/flags"
	"github.com/interleave-go/interleave/analyzers/internal/ignore"
	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
	"github.com/interleave-go/interleave/analyzers/internal/shape"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// Doc is the analyzer's documentation.
const Doc = `report locks acquired in opposite orders (potential deadlock)

If one goroutine takes lock A and then lock B while another takes B and
then A, each can end up holding one lock and waiting forever for the
other. The lockorder analyzer records, for every function, the pairs
"B acquired while A is held", directly or through calls, and reports a
pair whose inverse is acquired elsewhere in the same package or in a
package it imports (through analysis facts). Locks are identified
across functions as "field F of type T" or "package-level variable V";
locks with no such identity (locals, bare *sync.Mutex parameters) are
not considered. Through a call, only the locks that the callee takes
on every path count. Pairs of two read locks are not reported. An
inconsistent order of two locks is one finding, however many sites show
it: at a site of the rarer order in this package, naming a site of the
other order (in this package or an imported one), with the other sites
of this package as related information.

Two instances of one lock (from.mu and to.mu, the same field of the
same type) are one identity, so transfer(from, to), which locks from
then to, is no inversion by itself; it is reported when the package
calls it both ways round (transfer(a, b) and transfer(b, a), in
goroutines or closures too) or with two elements of one slice or map,
unless it takes the two in either order itself (sorting them first).
Locking a parent then its child, with no call the other way round, is
an order, not a bug.

A cycle of three or four locks whose pairs are each taken in one order
only (A then B, B then C, C then A, in three functions) is one finding
too: three goroutines can each hold one lock and wait for the next. A
lock of an object the function has just allocated, and not yet stored,
passed on or let a closure capture, orders nothing: no other goroutine
can hold it.

Two instances of one lock taken both ways along two fields that the
package keeps as each other's inverse (c.parent = p with p.children =
append(p.children, c), or n.next = m with m.prev = n) are reported: a
child locking its parent while holding its own lock, and a parent
locking its children (directly or by a recursive call) while holding
its own. Fields with no such link (a binary tree's left and right) are
not.

` + shape.Doc

// Analyzer reports lock-order inversions.
var Analyzer = &analysis.Analyzer{
	Name:      "lockorder",
	Doc:       Doc,
	URL:       "https://github.com/interleave-go/interleave#lockorder",
	Requires:  []*analysis.Analyzer{lockflow.Analyzer, buildssa.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(FuncFact), new(PackageFact)},
}

// An Acq is a lock that a function acquires when called.
type Acq struct {
	Lock string // abstract identity, see syncapi.Abstract
	Read bool
}

// A Pair records that Second is acquired while First is held.
type Pair struct {
	First, Second         string
	FirstRead, SecondRead bool
	Func                  string // the function, "pkg.F" or "pkg.T.M"
	Pos                   string // "file.go:12"
}

// FuncFact lists what a function does with locks, for callers in
// other packages.
type FuncFact struct {
	Acquires []Acq
	Pairs    []Pair
}

// AFact marks FuncFact as a fact.
func (*FuncFact) AFact() {}

// String spells the fact for tests: "acquires(T.mu) pairs(T.mu>U.mu)".
func (f *FuncFact) String() string {
	var b strings.Builder
	b.WriteString("acquires(")
	for i, a := range f.Acquires {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(syncapi.ShortAbstract(a.Lock))
		if a.Read {
			b.WriteString("(r)")
		}
	}
	b.WriteString(") pairs(")
	for i, p := range f.Pairs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(syncapi.ShortAbstract(p.First) + ">" + syncapi.ShortAbstract(p.Second))
	}
	b.WriteString(")")
	return b.String()
}

// PackageFact lists the pairs of a package and of everything it
// imports, so that an inversion is found whatever the distance.
type PackageFact struct {
	Pairs []Pair
}

// AFact marks PackageFact as a fact.
func (*PackageFact) AFact() {}

// String spells the fact for tests.
func (f *PackageFact) String() string { return fmt.Sprintf("%d pairs", len(f.Pairs)) }

// maxPairs bounds the pairs a package fact carries.
const maxPairs = 5000

type checker struct {
	pass *analysis.Pass
	res  *lockflow.Result
	acq  map[*ssa.Function][]Acq
	busy map[*ssa.Function]bool
}

func run(pass *analysis.Pass) (any, error) {
	c := &checker{
		pass: pass,
		res:  pass.ResultOf[lockflow.Analyzer].(*lockflow.Result),
		acq:  make(map[*ssa.Function][]Acq),
		busy: make(map[*ssa.Function]bool),
	}
	type site struct {
		pair Pair
		pos  token.Pos
	}
	var local []site
	byFn := make(map[*types.Func]*FuncFact)
	for _, f := range c.res.Funcs {
		if !f.Complete {
			continue
		}
		for _, e := range f.Events {
			for _, p := range c.pairs(f.Fn, e) {
				local = append(local, site{p, e.Instr.Pos()})
				if obj := funcObj(f.Fn); obj != nil && obj.Exported() {
					if byFn[obj] == nil {
						byFn[obj] = &FuncFact{}
					}
					if !slices.Contains(byFn[obj].Pairs, p) {
						byFn[obj].Pairs = append(byFn[obj].Pairs, p)
					}
				}
			}
		}
	}
	for _, fn := range pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA).SrcFuncs {
		// Only exported functions and methods can be called from
		// another package.
		if obj := funcObj(fn); obj != nil && obj.Exported() {
			if a := c.acquires(fn); len(a) > 0 {
				if byFn[obj] == nil {
					byFn[obj] = &FuncFact{}
				}
				byFn[obj].Acquires = a
			}
		}
	}
	for obj, f := range byFn {
		pass.ExportObjectFact(obj, f)
	}

	// All pairs known: this package's and its imports'.
	all := make([]Pair, 0, len(local))
	seen := make(map[Pair]bool)
	add := func(p Pair) {
		if !seen[p] && len(all) < maxPairs {
			seen[p] = true
			all = append(all, p)
		}
	}
	for _, s := range local {
		add(s.pair)
	}
	for _, imp := range pass.Pkg.Imports() {
		var pf PackageFact
		if pass.ImportPackageFact(imp, &pf) {
			for _, p := range pf.Pairs {
				add(p)
			}
		}
	}
	if len(all) > 0 {
		pass.ExportPackageFact(&PackageFact{Pairs: all})
	}

	rep := ignore.New(pass)
	var sites []inversionSite
	for _, s := range local {
		if !rep.Ignored(s.pos) {
			sites = append(sites, inversionSite{s.pair, s.pos})
		}
	}
	for _, d := range inversions(pass, sites, all) {
		pass.Report(d)
	}
	for _, d := range cycles(pass, sites, all) {
		pass.Report(d)
	}
	for _, d := range instanceOrders(pass, c.res, pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA).SrcFuncs) {
		rep.Report(d)
	}
	for _, d := range linkedOrders(pass, c.res, pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA).SrcFuncs) {
		rep.Report(d)
	}
	return nil, nil
}

type inversionSite struct {
	pair Pair
	pos  token.Pos
}

// inversions returns one diagnostic for each pair of locks that local
// sites acquire in one order while this package or an import acquires
// them in the other: an inconsistent order is one bug, however many
// sites show it. It is reported at a local site of the order with fewer
// sites (the odd one out), naming an opposite one; the other local
// sites are its related information.
func inversions(pass *analysis.Pass, local []inversionSite, all []Pair) []analysis.Diagnostic {
	unordered := func(p Pair) [2]string {
		if p.First > p.Second {
			return [2]string{p.Second, p.First}
		}
		return [2]string{p.First, p.Second}
	}
	opposes := func(s, q Pair) bool {
		return q.First == s.Second && q.Second == s.First && !(s.FirstRead && s.SecondRead && q.FirstRead && q.SecondRead)
	}
	groups := make(map[[2]string][]inversionSite)
	var keys [][2]string
	for _, s := range local {
		k := unordered(s.pair)
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], s)
	}
	var out []analysis.Diagnostic
	for _, k := range keys {
		sites := groups[k]
		// count the sites of each order: this package's and the imports'
		count := make(map[string]int)
		for _, q := range all {
			if unordered(q) == k {
				count[q.First]++
			}
		}
		var best *inversionSite
		var opposite Pair
		for i := range sites {
			s := &sites[i]
			var q *Pair
			for j := range all {
				if opposes(s.pair, all[j]) {
					q = &all[j]
					break
				}
			}
			if q == nil {
				continue
			}
			if best == nil || count[s.pair.First] < count[best.pair.First] ||
				count[s.pair.First] == count[best.pair.First] && s.pos < best.pos {
				best, opposite = s, *q
			}
		}
		if best == nil {
			continue
		}
		others := count[opposite.First] - 1
		more := " acquires"
		if others > 0 {
			more = fmt.Sprintf(" and %d other site%s acquire", others, plural(others))
		}
		d := analysis.Diagnostic{Pos: best.pos, Message: fmt.Sprintf(
			"%s acquired while holding %s, but %s (%s)%s them in the opposite order: potential deadlock",
			syncapi.ShortAbstract(best.pair.Second), syncapi.ShortAbstract(best.pair.First), opposite.Func, opposite.Pos, more)}
		for _, s := range sites {
			if s.pos == best.pos {
				continue
			}
			msg := "acquires them in the same order"
			if s.pair.First != best.pair.First {
				msg = "acquires them in the opposite order"
			}
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: s.pos, Message: msg})
		}
		out = append(out, d)
	}
	return out
}

// maxCycle bounds the locks of a cycle that cycles looks for.
const maxCycle = 4

// cycles returns one diagnostic for each cycle of three or more locks
// (A then B, B then C, C then A, in three functions) that a local site
// closes, none of whose pairs is an inversion of its own (inversions
// reports those). Three goroutines, each in one of the functions, can
// each hold one lock and wait for the next.
func cycles(pass *analysis.Pass, local []inversionSite, all []Pair) []analysis.Diagnostic {
	next := make(map[string][]int) // lock -> indexes of pairs holding it first
	inverse := make(map[[2]string]bool)
	for i, p := range all {
		if p.First == p.Second {
			continue
		}
		next[p.First] = append(next[p.First], i)
		inverse[[2]string{p.First, p.Second}] = true
	}
	bothRead := func(p Pair) bool { return p.FirstRead && p.SecondRead }
	var out []analysis.Diagnostic
	done := make(map[string]bool)
	for _, s := range local {
		if s.pair.First == s.pair.Second || bothRead(s.pair) || inverse[[2]string{s.pair.Second, s.pair.First}] {
			continue
		}
		// Paths from s.pair.Second back to s.pair.First.
		var path []Pair
		var found []Pair
		onPath := map[string]bool{s.pair.First: true, s.pair.Second: true}
		var walk func(at string) bool
		walk = func(at string) bool {
			if len(path) >= maxCycle-1 {
				return false
			}
			for _, i := range next[at] {
				q := all[i]
				if bothRead(q) || inverse[[2]string{q.Second, q.First}] {
					continue
				}
				if q.Second == s.pair.First && len(path) >= 1 {
					found = append(append([]Pair(nil), path...), q)
					return true
				}
				if onPath[q.Second] {
					continue
				}
				onPath[q.Second] = true
				path = append(path, q)
				if walk(q.Second) {
					return true
				}
				path = path[:len(path)-1]
				delete(onPath, q.Second)
			}
			return false
		}
		if !walk(s.pair.Second) {
			continue
		}
		locks := []string{s.pair.First}
		for _, q := range found {
			locks = append(locks, q.First)
		}
		key := slices.Clone(locks)
		sort.Strings(key)
		if done[strings.Join(key, "|")] {
			continue
		}
		done[strings.Join(key, "|")] = true
		var steps []string
		for _, q := range found {
			steps = append(steps, fmt.Sprintf("%s then %s in %s (%s)", syncapi.ShortAbstract(q.First), syncapi.ShortAbstract(q.Second), q.Func, q.Pos))
		}
		d := analysis.Diagnostic{Pos: s.pos, Message: fmt.Sprintf(
			"%s acquired while holding %s closes a cycle of lock orders: %s: potential deadlock of %d goroutines",
			syncapi.ShortAbstract(s.pair.Second), syncapi.ShortAbstract(s.pair.First), strings.Join(steps, ", "), len(locks))}
		out = append(out, d)
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// pairs returns the order pairs an event creates.
func (c *checker) pairs(fn *ssa.Function, e *lockflow.Event) []Pair {
	var seconds []Acq
	switch e.Kind {
	case lockflow.Acquire:
		if e.Op.Family != syncapi.Mutex || e.Op.Try() {
			return nil
		}
		if a := syncapi.Abstract(e.Op.Recv); a != "" {
			seconds = []Acq{{a, e.Op.Read}}
		}
	case lockflow.Call:
		seconds = c.calleeAcquires(e.Callee)
	default:
		return nil
	}
	if len(seconds) == 0 {
		return nil
	}
	pos := c.pass.Fset.Position(e.Instr.Pos())
	var out []Pair
	for _, h := range e.Held() {
		if h.Acq.Family != syncapi.Mutex {
			continue
		}
		first := syncapi.Abstract(h.Acq.Recv)
		if first == "" || unpublished(h.Acq) {
			continue
		}
		for _, s := range seconds {
			if s.Lock != first {
				out = append(out, Pair{First: first, Second: s.Lock, FirstRead: h.Read, SecondRead: s.Read,
					Func: lockflow.FuncName(fn), Pos: fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line)})
			}
		}
	}
	return out
}

// calleeAcquires returns the locks a call of callee acquires.
func (c *checker) calleeAcquires(callee *ssa.Function) []Acq {
	if callee == nil {
		return nil
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	if callee.Pkg == c.res.Pkg() {
		return c.acquires(callee)
	}
	obj, ok := callee.Object().(*types.Func)
	if !ok {
		return nil
	}
	var f FuncFact
	if c.pass.ImportObjectFact(obj, &f) {
		return f.Acquires
	}
	return nil
}

// acquires returns the locks that every call of fn, a function of this
// package, acquires: its own, those of the functions of this package it
// calls (both as lockflow summarises them), and those of the functions
// of other packages that it or they call (from facts). Locks taken only
// on some paths of a callee are left out: in the standard library they
// were the source of the false inversions.
func (c *checker) acquires(fn *ssa.Function) []Acq {
	if a, ok := c.acq[fn]; ok || c.busy[fn] {
		return a
	}
	c.busy[fn] = true
	set := make(map[Acq]bool)
	for _, a := range c.res.Summary(fn).Accesses {
		if a.Acquire && a.Must && !a.Try && a.Family == syncapi.Mutex && a.Abstract != "" {
			set[Acq{a.Abstract, a.Read}] = true
		}
	}
	for _, b := range fn.Blocks {
		if !c.res.Mandatory(b) {
			continue // precision first: only what every call does
		}
		for _, in := range b.Instrs {
			call, ok := in.(*ssa.Call)
			if !ok {
				continue
			}
			callee := call.Call.StaticCallee()
			if callee == nil || c.res.Classify(call) != nil {
				continue // an acquire is in the summary already
			}
			if o := callee.Origin(); o != nil {
				callee = o
			}
			var more []Acq
			if callee.Pkg == c.res.Pkg() {
				more = c.acquires(callee)
			} else {
				more = c.calleeAcquires(callee)
			}
			for _, a := range more {
				set[a] = true
			}
		}
	}
	out := make([]Acq, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Lock != out[j].Lock {
			return out[i].Lock < out[j].Lock
		}
		return !out[i].Read && out[j].Read
	})
	delete(c.busy, fn)
	c.acq[fn] = out
	return out
}

func funcObj(fn *ssa.Function) *types.Func {
	obj, _ := fn.Object().(*types.Func)
	return obj
}

// unpublished reports whether acq locks a lock of an object this
// function allocated and has not yet let out (stored, passed to a call,
// captured): no other goroutine can hold it, so taking other locks
// under it orders nothing (nats-server's createGateway locks the
// client it is making, then the server's reload lock).
func unpublished(acq *syncapi.Op) bool {
	if acq.Instr == nil {
		return false
	}
	x := acq.Recv
	var cell *ssa.Alloc // the variable that holds the object, when closures capture it
	for {
		switch v := x.(type) {
		case *ssa.FieldAddr:
			x = v.X
			continue
		case *ssa.MakeInterface:
			x = v.X
			continue
		case *ssa.UnOp:
			if c, ok := v.X.(*ssa.Alloc); ok && v.Op == token.MUL && cell == nil {
				if obj := storedOnce(c); obj != nil {
					cell, x = c, obj
					continue
				}
			}
		}
		break
	}
	a, ok := x.(*ssa.Alloc)
	if !ok || a.Parent() != acq.Instr.Parent() {
		return false
	}
	letOut := func(v *ssa.Alloc) bool {
		for _, ref := range *v.Referrers() {
			switch r := ref.(type) {
			case *ssa.FieldAddr, *ssa.IndexAddr, *ssa.DebugRef, *ssa.UnOp:
				continue
			case *ssa.Store:
				if r.Addr == v || r.Addr == cell {
					continue // filling the variable, or putting the object in it
				}
			}
			if ref != acq.Instr && flags.Precedes(ref, acq.Instr) {
				return true
			}
		}
		return false
	}
	return !letOut(a) && (cell == nil || !letOut(cell))
}

// storedOnce returns the value stored in a variable's cell, if one
// store fills it and that value is an allocation.
func storedOnce(c *ssa.Alloc) *ssa.Alloc {
	var obj *ssa.Alloc
	for _, ref := range *c.Referrers() {
		st, ok := ref.(*ssa.Store)
		if !ok || st.Addr != c {
			continue
		}
		a, ok := st.Val.(*ssa.Alloc)
		if !ok || obj != nil {
			return nil
		}
		obj = a
	}
	return obj
}
