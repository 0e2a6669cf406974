package unbalanced

import (
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/flags"
	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// handedOff reports whether the returns of f that leave op's lock held
// record it in a flag: on the way from op to each of them, a field of
// the lock's own struct is set to true, and a function of the package
// releases the same lock under a test of that flag. database/sql's
// Rows.Scan keeps closemu read-locked for RawBytes and sets
// closemuScanHold; Next and Close release it when the flag is set. The
// lock is held on purpose, and handed to whoever looks at the flag.
func (h *helpers) handedOff(f *lockflow.Func, op *syncapi.Op, leaks []*lockflow.Event) bool {
	lock, st := flags.FieldOf(op.Recv)
	if lock == nil || op.Instr == nil {
		return false
	}
	var releases []*ssa.BasicBlock
	for _, o := range f.Ops {
		if o.Kind == syncapi.Release && o.Instr != nil {
			if v, _ := flags.FieldOf(o.Recv); v == lock {
				releases = append(releases, o.Instr.Block())
			}
		}
	}
	acq := op.Instr.Block()
	for _, leak := range leaks {
		if leak.Instr == nil || !h.flagged(f.Fn, acq, op.Instr, leak.Instr.Block(), releases, lock, st) {
			return false
		}
	}
	return true
}

// flagged reports whether, between the acquire acqInstr (in block acq)
// and the block ret, without passing a release, fn sets a bool field of
// struct st to true that some function of the package tests before it
// releases lock.
func (h *helpers) flagged(fn *ssa.Function, acq *ssa.BasicBlock, acqInstr ssa.Instruction, ret *ssa.BasicBlock, releases []*ssa.BasicBlock, lock *types.Var, st *types.Struct) bool {
	for _, b := range fn.Blocks {
		for i, in := range b.Instrs {
			flag, fst := flags.SetsTrue(in)
			if flag == nil || fst != st {
				continue
			}
			after := b != acq && reaches(acq, b) || b == acq && flags.Index(acqInstr) < i
			before := b == ret || reachesAvoiding(b, ret, releases)
			if after && before && h.releasedUnder(flag, lock) {
				return true
			}
		}
	}
	return false
}

// releasedUnder reports whether a function of the package releases lock
// in a block that a test of flag dominates.
func (h *helpers) releasedUnder(flag, lock *types.Var) bool {
	for _, g := range h.res.Funcs {
		var tests []*ssa.BasicBlock
		for _, b := range g.Fn.Blocks {
			if len(b.Instrs) == 0 {
				continue
			}
			if c, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If); ok && flags.Tests(c.Cond, flag) {
				tests = append(tests, b)
			}
		}
		if len(tests) == 0 {
			continue
		}
		for _, o := range g.Ops {
			if o.Kind != syncapi.Release || o.Instr == nil {
				continue
			}
			if v, _ := flags.FieldOf(o.Recv); v != lock {
				continue
			}
			for _, t := range tests {
				if t != o.Instr.Block() && t.Dominates(o.Instr.Block()) {
					return true
				}
			}
		}
	}
	return false
}
