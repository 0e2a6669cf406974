package rt_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/interleave-go/interleave/harness/rt"
)

// The benchmarks below compare, in one binary, each operation as written
// with the code the instrumentation writes for it (see
// harness/instrument/testdata/golden), outside any exploration: what
// instrumented code costs when it is not being explored.

func BenchmarkOverhead(b *testing.B) {
	b.Run("op=mutex/impl=plain", func(b *testing.B) {
		var mu sync.Mutex
		for range b.N {
			mu.Lock()
			mu.Unlock()
		}
	})
	b.Run("op=mutex/impl=instrumented", func(b *testing.B) {
		var mu sync.Mutex
		for range b.N {
			rt.Lock(&(mu))
			rt.Unlock(&(mu))
		}
	})
	b.Run("op=channel/impl=plain", func(b *testing.B) {
		ch := make(chan int, 1)
		for i := range b.N {
			ch <- i
			<-ch
		}
	})
	b.Run("op=channel/impl=instrumented", func(b *testing.B) {
		ch := rt.MakeChan(make(chan int, 1))
		for i := range b.N {
			rt.Sender(ch).Send(i)
			rt.Recv(ch)
		}
	})
	b.Run("op=select/impl=plain", func(b *testing.B) {
		a, c := make(chan int, 1), make(chan int, 1)
		n := 0
		for i := range b.N {
			a <- i
			select {
			case v := <-a:
				n += v
			case v := <-c:
				n -= v
			}
		}
		sink = n
	})
	b.Run("op=select/impl=instrumented", func(b *testing.B) {
		a, c := rt.MakeChan(make(chan int, 1)), rt.MakeChan(make(chan int, 1))
		n := 0
		for i := range b.N {
			rt.Sender(a).Send(i)
			switch {
			default:
				_il_c1 := a
				_il_r2 := rt.Zero(_il_c1)
				_il_c3 := c
				_il_r4 := rt.Zero(_il_c3)
				var _il_i0 int
				if rt.Controlled() {
					_il_q5 := _il_r2
					_il_q6 := _il_r4
					_il_i0 = rt.Select(false, rt.RecvCase(_il_c1, &_il_q5, nil), rt.RecvCase(_il_c3, &_il_q6, nil))
					_il_r2 = _il_q5
					_il_r4 = _il_q6
				} else {
					select {
					case _il_r2 = <-_il_c1:
						_il_i0 = 0
					case _il_r4 = <-_il_c3:
						_il_i0 = 1
					}
				}
				switch _il_i0 {
				case 0:
					v := _il_r2
					n += v
				default:
					v := _il_r4
					n -= v
				}
			}
		}
		sink = n
	})
	b.Run("op=atomic/impl=plain", func(b *testing.B) {
		var x int64
		for range b.N {
			atomic.AddInt64(&x, 1)
		}
	})
	b.Run("op=atomic/impl=instrumented", func(b *testing.B) {
		var x int64
		for range b.N {
			rt.AddInt64(&x, 1)
		}
	})
	b.Run("op=atomic-type/impl=plain", func(b *testing.B) {
		var x atomic.Int64
		for range b.N {
			x.Add(1)
		}
	})
	b.Run("op=atomic-type/impl=instrumented", func(b *testing.B) {
		var x atomic.Int64
		for range b.N {
			rt.Int64Add(&(x), 1)
		}
	})
}

var sink int
