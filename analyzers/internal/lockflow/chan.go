package lockflow

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
)

func isSemChanType(v ssa.Value) bool {
	ch, ok := v.Type().Underlying().(*types.Chan)
	if !ok {
		return false
	}
	st, ok := ch.Elem().Underlying().(*types.Struct)
	return ok && st.NumFields() == 0
}
