package lockflow

import (
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// local returns the function of this package that a call statically
// invokes, or nil.
func (r *Result) local(c *ssa.CallCommon) *ssa.Function {
	fn := c.StaticCallee()
	if mc := closure(c.Value); fn == nil && mc != nil {
		fn, _ = mc.Fn.(*ssa.Function)
	}
	if fn == nil {
		return nil
	}
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if fn.Pkg != r.pkg || len(fn.Blocks) == 0 {
		return nil
	}
	return fn
}

// Summary returns what a call of fn, a function of this package, does
// to its caller's locks.
func (r *Result) Summary(fn *ssa.Function) *Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.summary(fn)
}

func (r *Result) summary(fn *ssa.Function) *Summary {
	if s, ok := r.sums[fn]; ok {
		return s
	}
	if r.busy[fn] {
		return &Summary{} // recursion: the outer computation covers it
	}
	r.busy[fn] = true
	s := &Summary{}
	add := func(a Access) {
		if a.Key.Param() < 0 && a.Key.FreeVar() < 0 && !a.Key.Global() {
			if a.Abstract == "" {
				return
			}
			a.Key = syncapi.Key{} // a local lock, known only by its abstract identity
		}
		for i := range s.Accesses {
			b := &s.Accesses[i]
			if b.Key.String() == a.Key.String() && b.Abstract == a.Abstract && b.Acquire == a.Acquire && b.Read == a.Read {
				b.Must = b.Must || a.Must
				return
			}
		}
		s.Accesses = append(s.Accesses, a)
	}
	f := r.scan(fn)
	if f != nil && f.walked && !f.done {
		delete(r.busy, fn)
		return &Summary{} // recursion through a walk under way
	}
	if f != nil {
		r.walk(f)
		s.Hold = hold(f)
		for _, e := range f.Events {
			switch e.Kind {
			case Acquire, Release, DeferRelease:
				// A deferred release of the caller's lock releases it
				// too, when the function returns.
				if e.Before.Status == Entry && e.Op.Family != syncapi.ChanSem {
					add(Access{Key: e.Before.Key, Abstract: syncapi.Abstract(e.Op.Recv), Acquire: e.Kind == Acquire,
						Read: e.Op.Read, Try: e.Op.Try(), Must: r.mandatory(e.Instr.Block()), Family: e.Op.Family, API: e.Op.API, Pos: e.Instr.Pos()})
				}
			case Call:
				for _, a := range e.Accesses {
					if !touched(e.Locks, a.Key.String()) {
						a.Must = a.Must && r.mandatory(e.Instr.Block())
						add(a)
					}
				}
			}
		}
	} else {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				if c, ok := in.(*ssa.Call); ok {
					if callee := r.local(&c.Call); callee != nil {
						for _, a := range r.mapped(&c.Call, callee) {
							a.Must = a.Must && r.mandatory(b)
							add(a)
						}
					}
				}
			}
		}
	}
	delete(r.busy, fn)
	r.sums[fn] = s
	return s
}

func touched(locks []Lock, key string) bool {
	for _, l := range locks {
		if l.Key.String() == key && l.Status != Entry {
			return true
		}
	}
	return false
}

// Accesses returns what a call of a function of this package does to
// the caller's locks, as keys of the calling function; nil for a call
// of anything else.
func (r *Result) Accesses(c *ssa.CallCommon) []Access {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.accesses(c)
}

func (r *Result) accesses(c *ssa.CallCommon) []Access {
	if callee := r.local(c); callee != nil {
		return r.mapped(c, callee)
	}
	return nil
}

// mapped returns the accesses of callee's summary as keys of the
// calling function: a parameter root becomes the argument, a free
// variable the captured value.
func (r *Result) mapped(c *ssa.CallCommon, callee *ssa.Function) []Access {
	var out []Access
	for _, a := range r.summary(callee).Accesses {
		var base syncapi.Key
		ok := false
		switch {
		case a.Key.Global() || a.Key.Root == "":
			out = append(out, a)
			continue
		case a.Key.Param() >= 0:
			if i := a.Key.Param(); i < len(c.Args) {
				base, ok = syncapi.KeyOf(c.Args[i], nil)
			}
		case a.Key.FreeVar() >= 0:
			if mc := closure(c.Value); mc != nil && a.Key.FreeVar() < len(mc.Bindings) {
				base, ok = syncapi.KeyOf(mc.Bindings[a.Key.FreeVar()], nil)
			}
		}
		if ok {
			a.Key = a.Key.Rebase(base)
		} else {
			a.Key = syncapi.Key{}
		}
		if ok || a.Abstract != "" {
			out = append(out, a)
		}
	}
	return out
}

// Mandatory reports whether every path from the entry of b's function
// to a return passes through b.
func (r *Result) Mandatory(b *ssa.BasicBlock) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.mandatory(b)
}

func (r *Result) mandatory(b *ssa.BasicBlock) bool {
	if m, ok := r.must[b]; ok {
		return m
	}
	fn := b.Parent()
	seen := map[*ssa.BasicBlock]bool{b: true}
	stack := []*ssa.BasicBlock{fn.Blocks[0]}
	m := true
	for len(stack) > 0 && m {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[x] {
			continue
		}
		seen[x] = true
		if _, ok := x.Instrs[len(x.Instrs)-1].(*ssa.Return); ok {
			m = false
		}
		stack = append(stack, x.Succs...)
	}
	r.must[b] = m
	return m
}

// closure returns the closure that v, a called function value, is:
// made there, or loaded from the cell of a variable that holds one
// closure only (doErr := func(...) {...}, which another closure
// captures, so that go/ssa keeps it in a cell and calls what it loads).
func closure(v ssa.Value) *ssa.MakeClosure {
	switch v := v.(type) {
	case *ssa.MakeClosure:
		return v
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return nil
		}
		cell, ok := v.X.(*ssa.Alloc)
		if !ok {
			return nil
		}
		var mc *ssa.MakeClosure
		for _, ref := range *cell.Referrers() {
			st, ok := ref.(*ssa.Store)
			if !ok || st.Addr != cell {
				continue
			}
			m, ok := st.Val.(*ssa.MakeClosure)
			if !ok || mc != nil {
				return nil // assigned twice, or something else
			}
			mc = m
		}
		return mc
	}
	return nil
}

// hold finds the one lock of its caller's that f, walked, leaves
// acquired on every return, or exactly on those that report success, or
// released on every return; nil if there is not exactly one.
func hold(f *Func) *Hold {
	if !f.Complete || f.Fn.Parent() != nil {
		return nil
	}
	var rets []*Event
	for _, e := range f.Events {
		if e.Kind == Return {
			rets = append(rets, e)
		}
	}
	if len(rets) == 0 {
		return nil
	}
	var found *Hold
	seen := make(map[string]bool)
	for _, e := range rets {
		for _, l := range e.Locks {
			k := l.Key.String()
			if seen[k] || (l.Key.Param() < 0 && l.Key.FreeVar() < 0 && !l.Key.Global()) || strings.Contains(l.Key.Path, "[") {
				continue
			}
			seen[k] = true
			if f.ClosureReleases[k] || ReturnsLock(f.Fn, l.Key) {
				// Handed to a closure that releases it (sarama's
				// Broker.Open: go func() { defer b.lock.Unlock() ... }),
				// or to the caller by a pointer to it (kafka-go's
				// Conn.waitResponse).
				continue
			}
			if h := holdOf(f, l.Key, rets); h != nil {
				if found != nil {
					return nil // two: not a helper of one lock
				}
				found = h
			}
		}
	}
	return found
}

// holdOf says what f leaves done to the lock k at the returns rets.
func holdOf(f *Func, k syncapi.Key, rets []*Event) *Hold {
	key := k.String()
	var acq, rel *syncapi.Op
	held, released, okHeld, failFree := 0, 0, 0, 0
	for _, e := range rets {
		var l *Lock
		for i := range e.Locks {
			if e.Locks[i].Key.String() == key {
				l = &e.Locks[i]
			}
		}
		reacquired := e.IsDeferred(DeferredAcquire + key)
		switch {
		case l != nil && l.Status == Held && l.Acq != nil && l.Acq.Family == syncapi.Mutex && l.Acq.Helper == nil && !e.IsDeferred(key):
			if acq != nil && acq.Read != l.Acq.Read {
				return nil
			}
			acq = l.Acq
			held++
			if e.Outcome == "ok" {
				okHeld++
			}
		case l != nil && l.Status == Released && l.Acq == nil && l.Rel != nil && l.Rel.Family == syncapi.Mutex && l.Rel.Helper == nil && !reacquired:
			if rel != nil && rel.Read != l.Rel.Read {
				return nil
			}
			rel = l.Rel
			released++
		case e.Outcome != "ok" && (l == nil || l.Status == Entry || l.Status == Failed || (l.Status == Released && l.Acq != nil)):
			failFree++
		}
	}
	n := len(rets)
	for _, e := range f.Events {
		if (e.Kind != Release && e.Kind != Acquire) || e.Before.Key.String() != key {
			continue
		}
		if held > 0 && e.Kind == Release && e.Before.Status == Entry {
			return nil // it drops its caller's lock and takes it back: called with it held
		}
		if released > 0 && (e.Kind == Acquire || e.Before.Status != Entry) {
			released = 0 // it takes the lock itself, or loses track of it (a call): no unlocking helper
		}
	}
	switch {
	case held == n:
		return &Hold{Key: k, Abstract: syncapi.Abstract(acq.Recv), Kind: syncapi.Acquire, Read: acq.Read, Outcome: syncapi.Always, T: acq.Recv.Type()}
	case held > 0 && okHeld == held && held+failFree == n && failFree > 0:
		out := reportsFailure(f.Fn)
		if out == 0 {
			return nil
		}
		return &Hold{Key: k, Abstract: syncapi.Abstract(acq.Recv), Kind: syncapi.Acquire, Read: acq.Read, Outcome: out, T: acq.Recv.Type()}
	case released == n:
		return &Hold{Key: k, Abstract: syncapi.Abstract(rel.Recv), Kind: syncapi.Release, Read: rel.Read, Outcome: syncapi.Always, T: rel.Recv.Type()}
	}
	return nil
}

// reportsFailure returns IfNil if fn's last result is an error, IfTrue
// if it is a bool, 0 otherwise.
func reportsFailure(fn *ssa.Function) syncapi.Outcome {
	res := fn.Signature.Results()
	if res.Len() == 0 {
		return 0
	}
	t := res.At(res.Len() - 1).Type()
	if types.Identical(t, types.Universe.Lookup("error").Type()) {
		return syncapi.IfNil
	}
	if b, ok := t.Underlying().(*types.Basic); ok && b.Kind() == types.Bool {
		return syncapi.IfTrue
	}
	return 0
}

// helperOp returns the acquire or release that call c, of a lock helper
// of this package, makes of its caller's lock, as an op of the caller;
// nil if the callee is no such helper or its lock cannot be spelt here.
func (r *Result) helperOp(c *ssa.Call) *syncapi.Op {
	callee := r.local(&c.Call)
	if callee == nil {
		return nil
	}
	h := r.summary(callee).Hold
	if h == nil {
		return nil
	}
	var base syncapi.Key
	ok := false
	switch {
	case h.Key.Global():
		base, ok = h.Key, true
	case h.Key.Param() >= 0 && h.Key.Param() < len(c.Call.Args):
		if b, spelt := syncapi.KeyOf(c.Call.Args[h.Key.Param()], nil); spelt {
			base, ok = h.Key.Rebase(b), true
		}
	case h.Key.FreeVar() >= 0:
		if mc := closure(c.Call.Value); mc != nil && h.Key.FreeVar() < len(mc.Bindings) {
			if b, spelt := syncapi.KeyOf(mc.Bindings[h.Key.FreeVar()], nil); spelt {
				base, ok = h.Key.Rebase(b), true
			}
		}
	}
	if !ok {
		return nil
	}
	return &syncapi.Op{
		Instr:   c,
		API:     FuncName(callee),
		Kind:    h.Kind,
		Family:  syncapi.Mutex,
		Read:    h.Read,
		Outcome: h.Outcome,
		Recv:    &syncapi.Keyed{Key: base, Abs: h.Abstract, Call: c, T: h.T},
		Helper:  callee,
	}
}

// ReturnsLock reports whether fn returns the lock k itself, a pointer
// to it, for its caller to release: directly or through a named result.
func ReturnsLock(fn *ssa.Function, k syncapi.Key) bool {
	seen := make(map[ssa.Value]bool)
	var is func(v ssa.Value) bool
	is = func(v ssa.Value) bool {
		if seen[v] {
			return false
		}
		seen[v] = true
		if _, ok := v.Type().Underlying().(*types.Pointer); !ok {
			return false
		}
		if phi, ok := v.(*ssa.Phi); ok {
			return slices.ContainsFunc(phi.Edges, is) // a named result set on one path
		}
		vk, ok := syncapi.KeyOf(v, nil)
		return ok && vk.String() == k.String()
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Return:
				for _, v := range in.Results {
					if is(v) {
						return true
					}
				}
			case *ssa.Store:
				if a, ok := in.Addr.(*ssa.Alloc); ok && !a.Heap && is(in.Val) {
					return true // a named result, or a variable returned later
				}
			}
		}
	}
	return false
}
