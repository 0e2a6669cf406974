package unbalanced

import (
	"go/token"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/ignore"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// checkDone reports a goroutine that calls WaitGroup.Done on some of its
// return paths but not on another (an early return on an error): the
// Wait for it blocks forever. Only functions that a go statement starts
// are checked; a deferred Done covers every path, and a Done in a loop
// counts items rather than the goroutine.
func checkDone(pass *analysis.Pass, rep *ignore.Reporter, funcs []*ssa.Function) {
	started := make(map[*ssa.Function]bool)
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				if g, ok := in.(*ssa.Go); ok {
					if callee := g.Call.StaticCallee(); callee != nil {
						started[callee] = true
					}
				}
			}
		}
	}
	for _, fn := range funcs {
		if started[fn] && len(fn.Blocks) > 0 {
			checkDoneIn(pass, rep, fn)
		}
	}
}

func checkDoneIn(pass *analysis.Pass, rep *ignore.Reporter, fn *ssa.Function) {
	dones := make(map[string][]*ssa.BasicBlock) // WaitGroup key -> blocks that call Done
	deferred := make(map[string]bool)
	adds := make(map[string]bool) // the goroutine counts itself in: its Done balances its own Add
	shows := make(map[string]string)
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			c, ok := in.(ssa.CallInstruction)
			if !ok {
				continue
			}
			callee := c.Common().StaticCallee()
			if callee == nil || (callee.Name() != "Done" && callee.Name() != "Add" && callee.Name() != "Go") || !isWaitGroup(callee) || len(c.Common().Args) == 0 {
				continue
			}
			k, ok := syncapi.KeyOf(c.Common().Args[0], nil)
			if !ok {
				continue
			}
			if callee.Name() != "Done" {
				adds[k.String()] = true
				continue
			}
			if _, isDefer := in.(*ssa.Defer); isDefer {
				deferred[k.String()] = true
				continue
			}
			dones[k.String()] = append(dones[k.String()], b)
			shows[k.String()] = k.Show
		}
	}
	for k, blocks := range dones {
		if deferred[k] || adds[k] {
			continue
		}
		counted := false
		for _, b := range blocks {
			counted = counted || onCycle(b)
		}
		if counted {
			continue // a Done per item
		}
		ret := returnAvoiding(fn, blocks)
		if ret == nil {
			continue
		}
		at := ret.Pos()
		if !at.IsValid() && fn.Syntax() != nil {
			at = fn.Syntax().End() - 1
		}
		var related []analysis.RelatedInformation
		for _, b := range blocks {
			for _, in := range b.Instrs {
				if c, ok := in.(ssa.CallInstruction); ok && c.Pos().IsValid() {
					if callee := c.Common().StaticCallee(); callee != nil && callee.Name() == "Done" && isWaitGroup(callee) {
						related = append(related, analysis.RelatedInformation{Pos: c.Pos(), Message: "Done is called here on other paths"})
					}
				}
			}
		}
		rep.Report(analysis.Diagnostic{
			Pos:     at,
			Message: "sync.WaitGroup.Done of " + shows[k] + " is not called on this return, though it is on others: a Wait for this goroutine blocks forever",
			Related: related,
		})
	}
}

// returnAvoiding returns a return of fn that a path from the entry
// reaches without going through any of the blocks in avoid, if some
// other return is reached through one of them.
func returnAvoiding(fn *ssa.Function, avoid []*ssa.BasicBlock) *ssa.Return {
	skip := make(map[*ssa.BasicBlock]bool)
	for _, b := range avoid {
		skip[b] = true
	}
	seen := make(map[*ssa.BasicBlock]bool)
	var found *ssa.Return
	var walk func(b *ssa.BasicBlock)
	walk = func(b *ssa.BasicBlock) {
		if found != nil || seen[b] || skip[b] {
			return
		}
		seen[b] = true
		last := b.Instrs[len(b.Instrs)-1]
		if r, ok := last.(*ssa.Return); ok {
			found = r
			return
		}
		if iff, ok := last.(*ssa.If); ok && endlessRange(iff.Cond) {
			walk(b.Succs[0]) // a ticker's channel is never closed: the loop does not end
			return
		}
		for _, s := range b.Succs {
			walk(s)
		}
	}
	walk(fn.Blocks[0])
	if found == nil || found.Pos() == token.NoPos && fn.Syntax() == nil {
		return nil
	}
	return found
}

func isWaitGroup(fn *ssa.Function) bool {
	recv := fn.Signature.Recv()
	if recv == nil {
		return false
	}
	return recv.Type().String() == "*sync.WaitGroup"
}

// endlessRange reports whether cond is the ok of a receive from a
// time.Ticker's channel, which is never closed: the test of a for range
// over it that ends the loop is never false.
func endlessRange(cond ssa.Value) bool {
	x, ok := cond.(*ssa.Extract)
	if !ok || x.Index != 1 {
		return false
	}
	recv, ok := x.Tuple.(*ssa.UnOp)
	if !ok || recv.Op != token.ARROW || !recv.CommaOk {
		return false
	}
	switch ch := recv.X.(type) {
	case *ssa.UnOp: // t.C
		fa, ok := ch.X.(*ssa.FieldAddr)
		return ok && fa.X.Type().String() == "*time.Ticker"
	case *ssa.Call: // time.Tick(d)
		callee := ch.Call.StaticCallee()
		return callee != nil && callee.Pkg != nil && callee.Pkg.Pkg.Path() == "time" && callee.Name() == "Tick"
	}
	return false
}
