package harness_test

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// Each program below has a known set of outcomes under Go's semantics;
// exploration must produce exactly that set.

func keys(m map[string]int) []string {
	ks := slices.Collect(maps.Keys(m))
	sort.Strings(ks)
	return ks
}

func TestSelectSemantics(t *testing.T) {
	cases := []struct {
		name string
		body func(t *harness.T) string
		want []string
	}{
		{"default when the buffer is full", func(t *harness.T) string {
			ch := rt.MakeChan(make(chan int, 1))
			rt.Send(ch, 1)
			switch rt.Select(true, rt.SendCase(ch, 2)) {
			case 0:
				return "sent"
			default:
				return "default"
			}
		}, []string{"default"}},
		{"send when the buffer has room", func(t *harness.T) string {
			ch := rt.MakeChan(make(chan int, 1))
			if rt.Select(true, rt.SendCase(ch, 2)) == 0 {
				return fmt.Sprint("sent ", rt.Len(ch))
			}
			return "default"
		}, []string{"sent 1"}},
		{"two selects with default never meet on an unbuffered channel", func(t *harness.T) string {
			ch := rt.MakeChan(make(chan int))
			var got atomic.Int32
			var wg sync.WaitGroup
			rt.WaitGroupAdd(&wg, 1)
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				if rt.Select(true, rt.RecvCase(ch, nil, nil)) == 0 {
					rt.Int32Add(&got, 1)
				}
			})
			sent := rt.Select(true, rt.SendCase(ch, 1)) == 0
			rt.WaitGroupWait(&wg)
			return fmt.Sprint(sent, rt.Int32Load(&got))
		}, []string{"false 0"}},
		{"select with default meets a blocked receiver, or not", func(t *harness.T) string {
			ch := rt.MakeChan(make(chan int))
			done := rt.MakeChan(make(chan bool))
			rt.Go(func() {
				switch rt.Select(false, rt.RecvCase(ch, nil, nil), rt.RecvCase(done, nil, nil)) {
				case 0:
				case 1:
				}
			})
			sent := rt.Select(true, rt.SendCase(ch, 1)) == 0
			if !sent {
				rt.Close(done)
			}
			return fmt.Sprint(sent)
		}, []string{"false", "true"}},
		{"either ready case may be taken", func(t *harness.T) string {
			a, b := rt.MakeChan(make(chan int, 1)), rt.MakeChan(make(chan int, 1))
			rt.Send(a, 1)
			rt.Send(b, 2)
			var v int
			rt.Select(false, rt.RecvCase(a, &v, nil), rt.RecvCase(b, &v, nil))
			return fmt.Sprint(v)
		}, []string{"1", "2"}},
		{"a closed channel is ready with ok false", func(t *harness.T) string {
			ch := rt.MakeChan(make(chan int))
			rt.Close(ch)
			var ok = true
			i := rt.Select(true, rt.RecvCase(ch, nil, &ok))
			return fmt.Sprint(i, ok)
		}, []string{"0 false"}},
		{"a nil channel is never ready", func(t *harness.T) string {
			var ch chan int
			return fmt.Sprint(rt.Select(true, rt.RecvCase(ch, nil, nil), rt.SendCase(ch, 1)))
		}, []string{"-1"}},
		{"buffered values arrive in order", func(t *harness.T) string {
			ch := rt.MakeChan(make(chan int, 3))
			rt.Go(func() {
				for i := range 3 {
					rt.Send(ch, i)
				}
				rt.Close(ch)
			})
			var b strings.Builder
			for v, ok := rt.Recv2(ch); ok; v, ok = rt.Recv2(ch) {
				fmt.Fprint(&b, v)
			}
			return b.String()
		}, []string{"012"}},
		{"unbuffered send and receive rendezvous", func(t *harness.T) string {
			ch := rt.MakeChan(make(chan int))
			order := rt.MakeChan(make(chan string, 2))
			rt.Go(func() {
				rt.Send(ch, 7)
				rt.Send(order, "sent")
			})
			v := rt.Recv(ch)
			rt.Send(order, "received")
			return fmt.Sprint(v, " ", rt.Recv(order), " ", rt.Recv(order))
		}, []string{"7 received sent", "7 sent received"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, s := range []harness.StrategySpec{harness.Random(), harness.PCT(2), harness.DFS(), harness.BoundedDFS(-1)} {
				got := keys(outcomes(t, c.body, harness.Strategy(s), harness.Runs(runsFor(s))))
				if !slices.Equal(got, c.want) {
					t.Errorf("%s: outcomes %q, want %q", s, got, c.want)
				}
			}
		})
	}
}

func TestSyncSemantics(t *testing.T) {
	cases := []struct {
		name string
		body func(t *harness.T) string
		want []string
	}{
		{"readers share an RWMutex, writers do not", func(t *harness.T) string {
			var rw sync.RWMutex
			var wg sync.WaitGroup
			var inside, maxReaders atomic.Int32 // through rt, as instrumented code does
			writerWithOthers := false
			rt.WaitGroupAdd(&wg, 3)
			for range 2 {
				rt.Go(func() {
					defer rt.WaitGroupDone(&wg)
					rt.RLock(&rw)
					n := rt.Int32Add(&inside, 1)
					if n > rt.Int32Load(&maxReaders) {
						rt.Int32Store(&maxReaders, n)
					}
					rt.Gosched()
					rt.Int32Add(&inside, -1)
					rt.RUnlock(&rw)
				})
			}
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				rt.RWLock(&rw)
				if rt.Int32Load(&inside) != 0 {
					writerWithOthers = true
				}
				rt.Gosched()
				rt.RWUnlock(&rw)
			})
			rt.WaitGroupWait(&wg)
			return fmt.Sprint("max readers ", rt.Int32Load(&maxReaders), " writer with others ", writerWithOthers)
		}, []string{"max readers 1 writer with others false", "max readers 2 writer with others false"}},
		{"Once runs its function once and callers see it", func(t *harness.T) string {
			var once sync.Once
			var wg sync.WaitGroup
			calls, seen := 0, ""
			rt.WaitGroupAdd(&wg, 2)
			for range 2 {
				rt.Go(func() {
					defer rt.WaitGroupDone(&wg)
					rt.OnceDo(&once, func() {
						rt.Gosched()
						calls++
					})
					if calls != 1 {
						seen = "a caller returned before the function finished"
					}
				})
			}
			rt.WaitGroupWait(&wg)
			return fmt.Sprint(calls, seen)
		}, []string{"1"}},
		{"Cond.Wait in a loop sees the condition", func(t *harness.T) string {
			var mu sync.Mutex
			c := sync.NewCond(&mu)
			ready := false
			got := rt.MakeChan(make(chan bool, 1))
			rt.Go(func() {
				rt.Lock(&mu)
				for !ready {
					rt.CondWait(c)
				}
				rt.Send(got, ready)
				rt.Unlock(&mu)
			})
			rt.Lock(&mu)
			ready = true
			rt.CondSignal(c)
			rt.Unlock(&mu)
			return fmt.Sprint(rt.Recv(got))
		}, []string{"true"}},
		{"Broadcast wakes every waiter", func(t *harness.T) string {
			var mu sync.Mutex
			c := sync.NewCond(&mu)
			var wg sync.WaitGroup
			go1 := false
			rt.WaitGroupAdd(&wg, 3)
			for range 3 {
				rt.Go(func() {
					defer rt.WaitGroupDone(&wg)
					rt.Lock(&mu)
					for !go1 {
						rt.CondWait(c)
					}
					rt.Unlock(&mu)
				})
			}
			rt.Lock(&mu)
			go1 = true
			rt.CondBroadcast(c)
			rt.Unlock(&mu)
			rt.WaitGroupWait(&wg)
			return "all woke"
		}, []string{"all woke"}},
		{"TryLock fails while the mutex is held", func(t *harness.T) string {
			var mu sync.Mutex
			held := rt.MakeChan(make(chan bool))
			release := rt.MakeChan(make(chan bool))
			rt.Go(func() {
				rt.Lock(&mu)
				rt.Send(held, true)
				rt.Recv(release)
				rt.Unlock(&mu)
			})
			rt.Recv(held)
			first := rt.TryLock(&mu)
			rt.Send(release, true)
			return fmt.Sprint(first)
		}, []string{"false"}},
		{"OnceValue computes once", func(t *harness.T) string {
			n := 0
			f := rt.OnceValue(func() int { n++; return 42 })
			var wg sync.WaitGroup
			rt.WaitGroupAdd(&wg, 2)
			sum := 0
			var mu sync.Mutex
			for range 2 {
				rt.Go(func() {
					defer rt.WaitGroupDone(&wg)
					v := f()
					rt.Lock(&mu)
					sum += v
					rt.Unlock(&mu)
				})
			}
			rt.WaitGroupWait(&wg)
			return fmt.Sprint(n, sum)
		}, []string{"1 84"}},
		{"WaitGroup.Go waits for its goroutines", func(t *harness.T) string {
			var wg sync.WaitGroup
			var n atomic.Int32
			for range 3 {
				rt.WaitGroupGo(&wg, func() { rt.Int32Add(&n, 1) })
			}
			rt.WaitGroupWait(&wg)
			return fmt.Sprint(rt.Int32Load(&n))
		}, []string{"3"}},
		{"sync.Locker of an RWMutex reader", func(t *harness.T) string {
			var rw sync.RWMutex
			l := rt.RLocker(&rw)
			rt.DynLock(l)
			ok := rt.RWTryLock(&rw)
			rt.DynUnlock(l)
			return fmt.Sprint(ok, rt.RWTryLock(&rw))
		}, []string{"false true"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, s := range []harness.StrategySpec{harness.Random(), harness.PCT(3), harness.DFS(), harness.BoundedDFS(-1)} {
				got := keys(outcomes(t, c.body, harness.Strategy(s), harness.Runs(runsFor(s))))
				if !slices.Equal(got, c.want) {
					t.Errorf("%s: outcomes %q, want %q", s, got, c.want)
				}
			}
		})
	}
}

// runsFor is the budget of an outcome test: enough for random strategies
// to see every outcome, and for exhaustive search to finish.
func runsFor(s harness.StrategySpec) int {
	if strings.HasPrefix(s.String(), "dfs") {
		return 200_000
	}
	return 300
}
