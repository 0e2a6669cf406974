package golden

import (
	"fmt"
	"sync/atomic"
	"unsafe"
)

type stats struct {
	hits atomic.Int64
	flag atomic.Bool
}

func init() {
	register("atomic", func() string {
		var n int32
		atomic.AddInt32(&n, 2)
		atomic.StoreInt32(&n, atomic.LoadInt32(&n)+1)
		swapped := atomic.CompareAndSwapInt32(&n, 3, 4)
		old := atomic.SwapInt32(&n, 5)
		var u uint64
		atomic.OrUint64(&u, 6)
		atomic.AndUint64(&u, 4)
		var p unsafe.Pointer
		x := 8
		atomic.StorePointer(&p, unsafe.Pointer(&x))
		var s stats
		s.hits.Add(10)
		s.hits.Store(s.hits.Load() + 1)
		s.flag.Store(true)
		var ptr atomic.Pointer[int]
		ptr.Store(&x)
		var v atomic.Value
		v.Store("value")
		add := atomic.AddInt32
		add(&n, 1)
		return fmt.Sprint(n, swapped, old, u, *(*int)(atomic.LoadPointer(&p)), s.hits.Load(), s.flag.Load(), *ptr.Load(), v.Load())
	})
}
