package lockflow

import (
	"go/constant"
	"go/token"
	"go/types"

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
// channel: one made right there with a constant capacity, or a field
// or package variable that every assignment in this package fills with
// such a channel. A send on a buffered channel can still block when
// the buffer is full, but code that sends under a lock sizes the
// buffer so that it does not, and reporting it would be noise.
func (r *Result) Buffered(ch ssa.Value) bool {
	if mc, ok := ch.(*ssa.MakeChan); ok {
		return positive(mc.Size)
	}
	u, ok := ch.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return false
	}
	id := syncapi.Abstract(u.X)
	if id == "" {
		return false
	}
	if r.chans == nil {
		r.chans = make(map[string]bool)
		for _, fn := range r.funcs {
			for _, b := range fn.Blocks {
				for _, in := range b.Instrs {
					st, ok := in.(*ssa.Store)
					if !ok {
						continue
					}
					mc, ok := st.Val.(*ssa.MakeChan)
					if !ok {
						continue
					}
					if f := syncapi.Abstract(st.Addr); f != "" {
						buf, seen := r.chans[f]
						r.chans[f] = positive(mc.Size) && (buf || !seen)
					}
				}
			}
		}
	}
	return r.chans[id]
}

func positive(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.Int {
		return false
	}
	n, exact := constant.Int64Val(c.Value)
	return exact && n > 0
}
