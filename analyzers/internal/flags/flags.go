// Package flags recognises state that code keeps in a bool field beside a
// lock to say what the lock's holder may assume: that the lock is held
// on purpose (database/sql's closemuScanHold), or that a channel holds a
// value (net/http's wantConn.done). The analyzers stay silent on what
// such a flag makes right.
package flags

import (
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// FieldOf returns the field that v addresses (&x.f) and the struct it
// belongs to, nil if v is no field's address.
func FieldOf(v ssa.Value) (*types.Var, *types.Struct) {
	fa, ok := v.(*ssa.FieldAddr)
	if !ok {
		return nil, nil
	}
	p, ok := fa.X.Type().Underlying().(*types.Pointer)
	if !ok {
		return nil, nil
	}
	st, ok := p.Elem().Underlying().(*types.Struct)
	if !ok {
		return nil, nil
	}
	return st.Field(fa.Field), st
}

// LoadedField returns the field whose value v is (a load of &x.f), nil if
// none.
func LoadedField(v ssa.Value) (*types.Var, *types.Struct) {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		return FieldOf(u.X)
	}
	return nil, nil
}

// Tests reports whether v is a load of field flag, or its negation.
func Tests(v ssa.Value, flag *types.Var) bool {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.NOT {
		return Tests(u.X, flag)
	}
	f, _ := LoadedField(v)
	return f != nil && f == flag
}

// SetsTrue returns the bool field that in stores true to, nil if none.
func SetsTrue(in ssa.Instruction) (*types.Var, *types.Struct) {
	s, ok := in.(*ssa.Store)
	if !ok {
		return nil, nil
	}
	c, ok := s.Val.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.Bool || !constant.BoolVal(c.Value) {
		return nil, nil
	}
	return FieldOf(s.Addr)
}

// Index is the position of in in its block, -1 if it is not there.
func Index(in ssa.Instruction) int {
	for i, x := range in.Block().Instrs {
		if x == in {
			return i
		}
	}
	return -1
}

// Precedes reports whether a comes before b on every path to b: a's
// block dominates b's, or they share a block and a is first.
func Precedes(a, b ssa.Instruction) bool {
	if a.Block() == b.Block() {
		return Index(a) < Index(b)
	}
	return a.Block().Dominates(b.Block())
}
