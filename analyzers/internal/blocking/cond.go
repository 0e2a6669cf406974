package blocking

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/flags"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// A CondVal is what a Cond says of its value.
type CondVal uint8

// The values a Cond can require.
const (
	IsNil CondVal = iota + 1
	NonNil
	IsTrue
	IsFalse
)

func (v CondVal) opposite() CondVal {
	switch v {
	case IsNil:
		return NonNil
	case NonNil:
		return IsNil
	case IsTrue:
		return IsFalse
	case IsFalse:
		return IsTrue
	}
	return 0
}

// A Cond is something that holds whenever an operation runs: a value
// is nil or not, true or false. Key spells the value: a parameter, a
// field reached from one ("p0.quic.*", the value of c.quic), or a
// package variable's. The operation sits behind a test of that value
// (if c.quic != nil { return }) or comes after a dereference of it.
// A caller that knows otherwise, by a constant argument, its own test
// or its own dereference, does not reach the operation through that
// call.
type Cond struct {
	Key syncapi.Key
	Val CondVal

	rank int // 0 a test, 1 a dereference of a field, 2 of a variable
}

// String spells the condition: "p0 != nil", "p1.quic.* == nil", "!p2".
func (c Cond) String() string {
	switch c.Val {
	case IsNil:
		return c.Key.String() + " == nil"
	case NonNil:
		return c.Key.String() + " != nil"
	case IsFalse:
		return "!" + c.Key.String()
	}
	return c.Key.String()
}

// maxConds bounds the conditions a site keeps: the tests first.
const maxConds = 4

// contradicts reports whether some condition of conds has the opposite
// value in known.
func contradicts(conds, known []Cond) bool {
	for _, c := range conds {
		for _, k := range known {
			if k.Val == c.Val.opposite() && k.Key.String() == c.Key.String() {
				return true
			}
		}
	}
	return false
}

// addCond adds c to conds unless it is there.
func addCond(conds []Cond, c Cond) []Cond {
	for _, x := range conds {
		if x.Val == c.Val && x.Key.String() == c.Key.String() {
			return conds
		}
	}
	return append(conds, c)
}

// subset reports whether every condition of a is in b.
func subset(a, b []Cond) bool {
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y Cond) bool { return y.Val == x.Val && y.Key.String() == x.Key.String() }) {
			return false
		}
	}
	return true
}

// spellable reports whether a caller can spell k through its
// arguments: rooted at a parameter or a package variable, with no
// index that names a local value.
func spellable(k syncapi.Key) bool {
	return (k.Param() >= 0 || k.Global()) && !strings.Contains(k.Path, "[")
}

// mapConds spells a callee's conditions in its caller's terms, through
// the arguments of call. A condition on a constant argument is settled
// here: ok is false if one fails (the call does not reach the site). A
// condition that cannot be spelt is dropped: the site may run.
func mapConds(conds []Cond, args []ssa.Value) (out []Cond, ok bool) {
	for _, c := range conds {
		switch {
		case c.Key.Global():
			out = append(out, c)
		case c.Key.Param() >= 0 && c.Key.Param() < len(args):
			arg := args[c.Key.Param()]
			if c.Key.Path == "" {
				if v, known := constCond(arg); known {
					if v == c.Val.opposite() {
						return nil, false
					}
					continue
				}
			}
			if k, spelt := throughStruct(arg, c.Key); spelt {
				out = append(out, Cond{Key: k, Val: c.Val, rank: c.rank})
			} else if base, spelt := syncapi.KeyOf(arg, nil); spelt {
				out = append(out, Cond{Key: c.Key.Rebase(base), Val: c.Val, rank: c.rank})
			}
		}
	}
	return out, true
}

// constCond returns what a constant says of itself: nil, true, false.
func constCond(v ssa.Value) (CondVal, bool) {
	c, ok := v.(*ssa.Const)
	if !ok {
		return 0, false
	}
	if c.Value == nil {
		switch c.Type().Underlying().(type) {
		case *types.Pointer, *types.Chan, *types.Map, *types.Slice, *types.Signature, *types.Interface:
			return IsNil, true
		}
		return 0, false
	}
	if c.Value.Kind() == constant.Bool {
		if constant.BoolVal(c.Value) {
			return IsTrue, true
		}
		return IsFalse, true
	}
	return 0, false
}

// knowledge computes what holds when an instruction of a function
// runs: the tests on the way to it, and the dereferences made before.
// A fact about a value read from memory (c.quic) holds until the
// function stores there again: a fact is dropped where a store to its
// address may come between the read and the use.
type knowledge struct {
	fn     *ssa.Function
	entry  map[*ssa.BasicBlock][]known // what holds on entering a block
	stores map[string][]ssa.Instruction
	reach  map[*ssa.BasicBlock]map[*ssa.BasicBlock]bool
}

// known is a Cond and where the value it is about was read.
type known struct {
	Cond
	at ssa.Instruction // nil for a value that never changes
}

func newKnowledge(fn *ssa.Function) *knowledge {
	k := &knowledge{fn: fn, entry: make(map[*ssa.BasicBlock][]known)}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if st, ok := in.(*ssa.Store); ok {
				if key, ok := syncapi.KeyOf(st.Addr, nil); ok {
					if k.stores == nil {
						k.stores = make(map[string][]ssa.Instruction)
					}
					k.stores[key.String()] = append(k.stores[key.String()], in)
				}
			}
		}
	}
	return k
}

// at returns what holds when in runs, as the value was when read.
func (k *knowledge) at(in ssa.Instruction) []known {
	b := in.Block()
	if b == nil {
		return nil
	}
	out := slices.Clone(k.blockEntry(b))
	for _, x := range b.Instrs {
		if x == in {
			break
		}
		out = k.derefs(out, x)
	}
	return out
}

// holding returns what a caller knows at in: the facts whose value
// no store may have changed since it was read.
func (k *knowledge) holding(in ssa.Instruction) []Cond {
	var out []Cond
	for _, f := range k.at(in) {
		if !k.storedBetween(f, f.at, in) {
			out = append(out, f.Cond)
		}
	}
	return out
}

// conds returns the conditions of an operation at in, about the values
// as the function's caller passed them: the facts whose value no store
// may have changed before it was read.
func (k *knowledge) conds(in ssa.Instruction) []Cond {
	var out []Cond
	for _, f := range k.at(in) {
		if !k.storedBetween(f, nil, f.at) {
			out = append(out, f.Cond)
		}
	}
	return out
}

// storedBetween reports whether the function may store to where f's
// value is read on a path from instruction from (nil: the entry) to
// instruction to.
func (k *knowledge) storedBetween(f known, from, to ssa.Instruction) bool {
	if f.at == nil || len(k.stores) == 0 {
		return false
	}
	addr, loaded := strings.CutSuffix(f.Key.Path, ".*")
	if !loaded {
		return false
	}
	for _, st := range k.stores[f.Key.Root+addr] {
		if (from == nil || k.precedes(from, st)) && k.precedes(st, to) {
			return true
		}
	}
	return false
}

// precedes reports whether b may run after a on some path.
func (k *knowledge) precedes(a, b ssa.Instruction) bool {
	ab, bb := a.Block(), b.Block()
	if ab == bb && flags.Index(a) < flags.Index(b) {
		return true
	}
	if k.reach == nil {
		k.reach = make(map[*ssa.BasicBlock]map[*ssa.BasicBlock]bool)
	}
	r, ok := k.reach[ab]
	if !ok {
		r = make(map[*ssa.BasicBlock]bool)
		work := slices.Clone(ab.Succs)
		for len(work) > 0 {
			x := work[len(work)-1]
			work = work[:len(work)-1]
			if r[x] {
				continue
			}
			r[x] = true
			work = append(work, x.Succs...)
		}
		k.reach[ab] = r
	}
	return r[bb]
}

func (k *knowledge) blockEntry(b *ssa.BasicBlock) []known {
	if c, ok := k.entry[b]; ok {
		return c
	}
	var out []known
	if id := b.Idom(); id != nil {
		out = slices.Clone(k.blockEntry(id))
		for _, x := range id.Instrs {
			out = k.derefs(out, x)
		}
		if len(b.Preds) == 1 && b.Preds[0] == id {
			if iff, ok := id.Instrs[len(id.Instrs)-1].(*ssa.If); ok && id.Succs[0] != id.Succs[1] {
				out = k.test(out, iff.Cond, b == id.Succs[0])
			}
		}
	}
	k.entry[b] = out
	return out
}

// test adds what cond having value val says.
func (k *knowledge) test(out []known, cond ssa.Value, val bool) []known {
	switch c := cond.(type) {
	case *ssa.UnOp:
		if c.Op == token.NOT {
			return k.test(out, c.X, !val)
		}
	case *ssa.BinOp:
		if c.Op != token.EQL && c.Op != token.NEQ {
			return out
		}
		x, y := c.X, c.Y
		if isNil(x) {
			x, y = y, x
		}
		if !isNil(y) {
			return out
		}
		v := NonNil
		if val == (c.Op == token.EQL) {
			v = IsNil
		}
		return k.add(out, x, v, 0)
	}
	if b, ok := cond.Type().Underlying().(*types.Basic); ok && b.Kind() == types.Bool {
		v := IsFalse
		if val {
			v = IsTrue
		}
		return k.add(out, cond, v, 0)
	}
	return out
}

// derefs adds the values that in dereferences: had they been nil, it
// would have panicked.
func (k *knowledge) derefs(out []known, in ssa.Instruction) []known {
	var x ssa.Value
	switch in := in.(type) {
	case *ssa.FieldAddr:
		x = in.X
	case *ssa.UnOp:
		if in.Op == token.MUL {
			x = in.X
		}
	case *ssa.IndexAddr:
		if _, ok := in.X.Type().Underlying().(*types.Pointer); ok {
			x = in.X
		}
	}
	if x == nil {
		return out
	}
	switch x.(type) {
	case *ssa.Alloc, *ssa.Global, *ssa.FieldAddr, *ssa.IndexAddr:
		return out // addresses, never nil
	}
	rank := 2
	if _, loaded := x.(*ssa.UnOp); loaded {
		rank = 1
	}
	return k.add(out, x, NonNil, rank)
}

// add records that v has value val, unless v cannot be spelt.
func (k *knowledge) add(out []known, v ssa.Value, val CondVal, rank int) []known {
	key, ok := syncapi.KeyOf(v, nil)
	if !ok {
		return out
	}
	for _, x := range out {
		if x.Val == val && x.Key.String() == key.String() {
			return out
		}
	}
	var at ssa.Instruction
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		at = u // a value read from memory: where it was read
	}
	return append(out, known{Cond: Cond{Key: key, Val: val, rank: rank}, at: at})
}

// siteConds keeps, of what holds at an operation, what a caller can
// spell, at most maxConds of it: tests first, then dereferences of
// fields. That a method dereferences its receiver says nothing a
// caller would contradict.
func siteConds(conds []Cond) []Cond {
	var out []Cond
	for rank := 0; rank <= 1; rank++ {
		for _, c := range conds {
			if c.rank == rank && spellable(c.Key) && len(out) < maxConds {
				out = addCond(out, c)
			}
		}
	}
	return out
}
