package golden

import (
	"sync/atomic"
	at "sync/atomic"
)

// hitsFuncs uses package sync/atomic through functions only, which the
// rewriter replaces: the imports must not be left unused.
var hitsFuncs int64

func bumpFuncs() int64 {
	atomic.AddInt64(&hitsFuncs, 1) // atomic.AddInt64 in a comment is no use
	return at.LoadInt64(&hitsFuncs)
}

func init() {
	register("atomic functions only", func() string {
		bumpFuncs()
		return fmtInt(bumpFuncs())
	})
}

func fmtInt(n int64) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
