package lockflow

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

func isSemChanType(v ssa.Value) bool {
	ch, ok := v.Type().Underlying().(*types.Chan)
	if !ok {
		return false
	}
	st, ok := ch.Elem().Underlying().(*types.Struct)
	return ok && st.NumFields() == 0
}

// Buffered reports whether a send on ch is known to go to a buffered
// channel: one made right there, or in the function whose closure
// captures it, with a capacity; a field or package variable that every
// assignment in this package fills with such a channel; or, for a
// channel of unknown origin (a parameter, an element of a slice or a
// map, a call's result), one of a type that every make of that type in
// the package gives a capacity (reply channels made with a buffer of
// one and kept in a list). A capacity is a constant above zero, or a
// computed size, except for a channel of struct{} that is received from
// outside a select somewhere (a semaphore: its sends are meant to wait
// when it is full). A send on a buffered channel can still block when
// the buffer is full, but code that sends under a lock sizes the buffer
// so that it does not, and reporting it would be noise.
func (r *Result) Buffered(ch ssa.Value) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buffered(ch)
}

func (r *Result) buffered(ch ssa.Value) bool {
	r.scanChans()
	if made, known := r.madeBuffered(ch, 0); known {
		return made
	}
	if u, ok := ch.(*ssa.UnOp); ok && u.Op == token.MUL {
		if id := syncapi.Abstract(u.X); id != "" {
			if buf, ok := r.chans[id]; ok {
				return buf
			}
		}
	}
	if c, ok := ch.Type().Underlying().(*types.Chan); ok {
		inTest := r.inTestFile(ch.Parent())
		for _, t := range r.chanTypes {
			if types.Identical(t.elem, c.Elem()) {
				// Tests make channels their own way (an unbuffered one
				// to exercise a set of reply channels): they speak for
				// test code only.
				return t.buffered || !inTest && t.outside > 0 && t.bufferedOutsideTests
			}
		}
	}
	return false
}

type chanType struct {
	elem                 types.Type
	buffered             bool // every make of it has a capacity
	bufferedOutsideTests bool // every make outside _test.go files has
	outside              int  // makes outside _test.go files
}

// inTestFile reports whether fn is declared in a _test.go file.
func (r *Result) inTestFile(fn *ssa.Function) bool {
	if fn == nil {
		return false
	}
	return strings.HasSuffix(r.fset.Position(fn.Pos()).Filename, "_test.go")
}

// scanChans records, once, how the package makes its channels: per
// field or package variable, per element type, and which fields of
// channels of struct{} are received from outside a select.
func (r *Result) scanChans() {
	if r.chans != nil {
		return
	}
	r.chans = make(map[string]bool)
	r.plainRecv = make(map[string]bool)
	var makes []*ssa.MakeChan
	var stores []*ssa.Store
	for _, fn := range r.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				switch in := in.(type) {
				case *ssa.MakeChan:
					makes = append(makes, in)
				case *ssa.Store:
					if _, ok := in.Val.(*ssa.MakeChan); ok {
						stores = append(stores, in)
					}
				case *ssa.UnOp:
					if in.Op == token.ARROW {
						if l, ok := in.X.(*ssa.UnOp); ok && l.Op == token.MUL {
							if f := syncapi.Abstract(l.X); f != "" {
								r.plainRecv[f] = true
							}
						}
					}
				}
			}
		}
	}
	for _, st := range stores {
		if f := syncapi.Abstract(st.Addr); f != "" {
			buf, seen := r.chans[f]
			r.chans[f] = r.sized(st.Val.(*ssa.MakeChan), f) && (buf || !seen)
		}
	}
	for _, mc := range makes {
		elem := mc.Type().Underlying().(*types.Chan).Elem()
		i := slices.IndexFunc(r.chanTypes, func(t chanType) bool { return types.Identical(t.elem, elem) })
		if i < 0 {
			r.chanTypes = append(r.chanTypes, chanType{elem, true, true, 0})
			i = len(r.chanTypes) - 1
		}
		sized := r.sized(mc, "")
		r.chanTypes[i].buffered = r.chanTypes[i].buffered && sized
		if !r.inTestFile(mc.Parent()) {
			r.chanTypes[i].bufferedOutsideTests = r.chanTypes[i].bufferedOutsideTests && sized
			r.chanTypes[i].outside++
		}
	}
}

// sized reports whether a make gives its channel a capacity; field is
// where it is stored, if anywhere.
func (r *Result) sized(mc *ssa.MakeChan, field string) bool {
	if c, ok := mc.Size.(*ssa.Const); ok {
		return positive(c)
	}
	if isSemChanType(mc) && (field == "" || r.plainRecv[field]) {
		return false // a semaphore of computed size
	}
	return true
}

// SemRelease reports whether a receive from ch gives back a slot of a
// channel used as a semaphore elsewhere in the package: a channel of
// struct{} kept in a field or package variable that every assignment
// fills with a channel made with a capacity (a constant above zero or
// a computed size), and that some function of the package fills with a
// plain (blocking) send. Such a receive does not wait in correct code.
// A buffered channel only ever sent to in a select with a default is a
// notification, and receiving from it does wait.
func (r *Result) SemRelease(ch ssa.Value) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.semRelease(ch)
}

func (r *Result) semRelease(ch ssa.Value) bool {
	if !isSemChanType(ch) {
		return false
	}
	u, ok := ch.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return false
	}
	id := syncapi.Abstract(u.X)
	if id == "" {
		return false
	}
	if r.prefilledChans()[id] {
		return false // a token bucket: a receive takes a token, and waits for one
	}
	if r.sent == nil {
		r.sent = make(map[string]bool)
		sized := make(map[string]bool)
		for _, fn := range r.funcs {
			for _, b := range fn.Blocks {
				for _, in := range b.Instrs {
					switch in := in.(type) {
					case *ssa.Send:
						if l, ok := in.Chan.(*ssa.UnOp); ok && l.Op == token.MUL {
							if f := syncapi.Abstract(l.X); f != "" {
								r.sent[f] = true
							}
						}
					case *ssa.Store:
						if f := syncapi.Abstract(in.Addr); f != "" && isSemChanType(in.Val) {
							mc, ok := in.Val.(*ssa.MakeChan)
							s, seen := sized[f]
							sized[f] = ok && !zero(mc.Size) && (s || !seen)
						}
					}
				}
			}
		}
		for f := range r.sent {
			r.sent[f] = sized[f]
		}
	}
	return r.sent[id]
}

func zero(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.Int {
		return false
	}
	n, exact := constant.Int64Val(c.Value)
	return exact && n == 0
}

func positive(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.Int {
		return false
	}
	n, exact := constant.Int64Val(c.Value)
	return exact && n > 0
}

// madeBuffered follows ch back to where it was made, through local
// variables captured by closures; known is false where it cannot.
func (r *Result) madeBuffered(ch ssa.Value, depth int) (buffered, known bool) {
	if depth > 4 {
		return false, false
	}
	switch v := ch.(type) {
	case *ssa.MakeChan:
		return r.sized(v, ""), true
	case *ssa.ChangeType:
		return r.madeBuffered(v.X, depth+1)
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return false, false
		}
		return r.madeBuffered(v.X, depth+1)
	case *ssa.Alloc:
		// A captured variable: buffered if every store makes a
		// buffered channel.
		n := 0
		for _, ref := range *v.Referrers() {
			if st, ok := ref.(*ssa.Store); ok && st.Addr == v {
				if b, k := r.madeBuffered(st.Val, depth+1); !k || !b {
					return false, false
				}
				n++
			}
		}
		return n > 0, n > 0
	case *ssa.FreeVar:
		fn := v.Parent()
		idx := slices.Index(fn.FreeVars, v)
		if fn.Parent() == nil || idx < 0 {
			return false, false
		}
		n := 0
		for _, b := range fn.Parent().Blocks {
			for _, in := range b.Instrs {
				if mc, ok := in.(*ssa.MakeClosure); ok && mc.Fn == fn {
					if b, k := r.madeBuffered(mc.Bindings[idx], depth+1); !k || !b {
						return false, false
					}
					n++
				}
			}
		}
		return n > 0, n > 0
	}
	return false, false
}

// TokenReturn reports whether a send on ch gives back a token of a
// channel of struct{} used as a token bucket: kept in a field or
// package variable, made with a capacity (not a constant zero) and
// filled with tokens by the function that makes it (nats-server's
// diskIOSemaphore: acquire receives, release sends). Such a send does
// not wait in correct code.
func (r *Result) TokenReturn(ch ssa.Value) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tokenReturn(ch)
}

func (r *Result) tokenReturn(ch ssa.Value) bool {
	if !isSemChanType(ch) {
		return false
	}
	u, ok := ch.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return false
	}
	id := syncapi.Abstract(u.X)
	return id != "" && r.prefilledChans()[id]
}

// prefilledChans returns the fields (and package variables) of channels
// of struct{} that every function storing one there makes with a
// capacity that is not a constant zero and fills with sends before it
// returns.
func (r *Result) prefilledChans() map[string]bool {
	if r.prefilled != nil {
		return r.prefilled
	}
	r.prefilled = make(map[string]bool)
	bad := make(map[string]bool)
	for _, fn := range r.funcs {
		made := make(map[string]bool)
		sent := make(map[string]bool)
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				switch in := in.(type) {
				case *ssa.Store:
					if f := syncapi.Abstract(in.Addr); f != "" && isSemChanType(in.Val) {
						mc, ok := in.Val.(*ssa.MakeChan)
						if !ok || zero(mc.Size) {
							bad[f] = true
						}
						made[f] = true
					}
				case *ssa.Send:
					if l, ok := in.Chan.(*ssa.UnOp); ok && l.Op == token.MUL {
						if f := syncapi.Abstract(l.X); f != "" {
							sent[f] = true
						}
					}
				}
			}
		}
		for f := range made {
			if !sent[f] {
				bad[f] = true
			} else if !bad[f] {
				r.prefilled[f] = true
			}
		}
	}
	for f := range bad {
		delete(r.prefilled, f)
	}
	return r.prefilled
}

// DrainsStoppedTimer reports whether recv is the drain of a timer's
// channel that Stop or Reset has just reported already fired or
// stopped: if !t.Stop() { <-t.C }. The value is there (before Go 1.23's
// timers) or the branch is not taken in code that owns the timer; the
// receive does not wait for the timer.
func DrainsStoppedTimer(recv *ssa.UnOp) bool {
	if recv.Op != token.ARROW {
		return false
	}
	load, ok := recv.X.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return false
	}
	fa, ok := load.X.(*ssa.FieldAddr)
	if !ok || !isTimer(fa.X.Type()) {
		return false
	}
	timer, ok := syncapi.KeyOf(fa.X, nil)
	if !ok {
		return false
	}
	for b := recv.Block(); b != nil; b = b.Idom() {
		if len(b.Preds) != 1 {
			continue
		}
		pred := b.Preds[0]
		iff, ok := pred.Instrs[len(pred.Instrs)-1].(*ssa.If)
		if !ok || pred.Succs[0] == pred.Succs[1] {
			continue
		}
		cond, want := iff.Cond, b == pred.Succs[1] // the false edge: Stop returned false
		if not, ok := cond.(*ssa.UnOp); ok && not.Op == token.NOT {
			cond, want = not.X, !want
		}
		call, ok := cond.(*ssa.Call)
		if !ok || !want {
			continue
		}
		callee := call.Call.StaticCallee()
		if callee == nil || (callee.Name() != "Stop" && callee.Name() != "Reset") || len(call.Call.Args) == 0 || !isTimer(call.Call.Args[0].Type()) {
			continue
		}
		if k, ok := syncapi.KeyOf(call.Call.Args[0], nil); ok && k.String() == timer.String() {
			return true
		}
	}
	return false
}

// isTimer reports whether t is *time.Timer.
func isTimer(t types.Type) bool {
	p, ok := t.Underlying().(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "time" && n.Obj().Name() == "Timer"
}
