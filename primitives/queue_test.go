package primitives_test

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interleave-go/interleave/primitives"
)

func TestQueueOrders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		q    *primitives.Queue[int]
		in   []int
		want []int
	}{
		{"FIFO", primitives.NewQueue[int](0), []int{3, 1, 2}, []int{3, 1, 2}},
		{"LIFO", primitives.NewLIFOQueue[int](0), []int{3, 1, 2}, []int{2, 1, 3}},
		{"priority", primitives.NewPriorityQueue(0, cmp.Less[int]), []int{5, 3, 8, 1, 9, 2, 7}, []int{1, 2, 3, 5, 7, 8, 9}},
		{"FIFO ring growth", primitives.NewQueue[int](0), seq(20), seq(20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			for _, v := range tt.in {
				wantErr(t, "Put", tt.q.Put(ctx, v), nil)
			}
			if got := tt.q.Len(); got != len(tt.in) {
				t.Errorf("Len: got %d, want %d", got, len(tt.in))
			}
			var got []int
			for range tt.in {
				v, err := tt.q.Get(ctx)
				wantErr(t, "Get", err, nil)
				got = append(got, v)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("order: got %v, want %v", got, tt.want)
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestPriorityQueueStable: values equal by less leave in arrival order.
func TestPriorityQueueStable(t *testing.T) {
	t.Parallel()
	type job struct{ prio, id int }
	q := primitives.NewPriorityQueue(0, func(a, b job) bool { return a.prio < b.prio })
	r := rand.New(rand.NewPCG(1, 2))
	var in []job
	for id := range 200 {
		j := job{prio: r.IntN(4), id: id}
		in = append(in, j)
		q.TryPut(j)
	}
	want := slices.Clone(in)
	slices.SortStableFunc(want, func(a, b job) int { return cmp.Compare(a.prio, b.prio) })
	for i, w := range want {
		got, err := q.TryGet()
		if err != nil || got != w {
			t.Fatalf("TryGet %d: got %v, %v, want %v, nil", i, got, err, w)
		}
	}
}

func TestQueueMisusePanics(t *testing.T) {
	t.Parallel()
	const msg = "primitives: Queue with a negative capacity"
	wantPanic(t, "NewQueue(-1)", msg, func() { primitives.NewQueue[int](-1) })
	wantPanic(t, "NewLIFOQueue(-1)", msg, func() { primitives.NewLIFOQueue[int](-1) })
	wantPanic(t, "NewPriorityQueue(-1)", msg, func() { primitives.NewPriorityQueue(-1, cmp.Less[int]) })
	wantPanic(t, "NewPriorityQueue(nil)", "primitives: NewPriorityQueue with a nil less function", func() { primitives.NewPriorityQueue[int](0, nil) })
	q := primitives.NewQueue[int](0)
	wantPanic(t, "TaskDone on a new Queue", "primitives: Queue.TaskDone called more times than values were put", q.TaskDone)
}

func TestQueueBoundedTry(t *testing.T) {
	t.Parallel()
	q := primitives.NewQueue[string](2)
	if got := q.Cap(); got != 2 {
		t.Errorf("Cap: got %d, want 2", got)
	}
	if got := primitives.NewQueue[string](0).Cap(); got != 0 {
		t.Errorf("Cap of an unbounded Queue: got %d, want 0", got)
	}
	_, err := q.TryGet()
	wantErr(t, "TryGet of an empty Queue", err, primitives.ErrQueueEmpty)
	wantErr(t, "TryPut a", q.TryPut("a"), nil)
	wantErr(t, "TryPut b", q.TryPut("b"), nil)
	wantErr(t, "TryPut c into a full Queue", q.TryPut("c"), primitives.ErrQueueFull)
	if v, err := q.TryGet(); v != "a" || err != nil {
		t.Errorf("TryGet: got %q, %v, want \"a\", nil", v, err)
	}
	wantErr(t, "Put with a done context", q.Put(cancelled(), "x"), context.Canceled)
	if _, err := q.Get(cancelled()); err != context.Canceled {
		t.Errorf("Get with a done context: got error %v, want %v", err, context.Canceled)
	}
	if got := q.Len(); got != 1 {
		t.Errorf("Len after failed calls: got %d, want 1", got)
	}
}

// TestQueueWaitingPutters: putters on a full queue are let in, in order,
// as room is made.
func TestQueueWaitingPutters(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		q := primitives.NewQueue[int](1)
		ctx := context.Background()
		q.Put(ctx, 0)
		p1 := start(func() error { return q.Put(ctx, 1) })
		p2 := start(func() error { return q.Put(ctx, 2) })
		wantErr(t, "TryPut behind waiting putters", q.TryPut(9), primitives.ErrQueueFull)
		for want := range 3 {
			v, err := q.Get(ctx)
			if v != want || err != nil {
				t.Errorf("Get: got %d, %v, want %d, nil", v, err, want)
			}
		}
		wantResult(t, "p1", p1, done(nil))
		wantResult(t, "p2", p2, done(nil))
	})
}

// TestQueueWaitingGetters: getters on an empty queue are served in order,
// each value handed to one getter.
func TestQueueWaitingGetters(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		q := primitives.NewLIFOQueue[int](0)
		ctx := context.Background()
		got := make([]int, 3)
		var getters []func() result
		for i := range 3 {
			getters = append(getters, start(func() error {
				v, err := q.Get(ctx)
				got[i] = v
				return err
			}))
		}
		_, err := q.TryGet()
		wantErr(t, "TryGet with getters waiting", err, primitives.ErrQueueEmpty)
		for v := range 3 {
			q.Put(ctx, 10+v)
		}
		for i, g := range getters {
			wantResult(t, "getter", g, done(nil))
			if got[i] != 10+i {
				t.Errorf("getter %d: got %d, want %d", i, got[i], 10+i)
			}
		}
		if q.Len() != 0 {
			t.Errorf("Len: got %d, want 0", q.Len())
		}
	})
}

func TestQueueTimeoutLeavesStateUnchanged(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		q := primitives.NewQueue[int](1)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := q.Get(ctx); err != context.DeadlineExceeded {
			t.Errorf("Get on an empty Queue: got error %v, want %v", err, context.DeadlineExceeded)
		}
		q.Put(context.Background(), 1)
		ctx2, cancel2 := context.WithTimeout(context.Background(), time.Second)
		defer cancel2()
		wantErr(t, "Put on a full Queue", q.Put(ctx2, 2), context.DeadlineExceeded)
		if q.Len() != 1 || q.Unfinished() != 1 {
			t.Errorf("after timeouts: Len %d, Unfinished %d, want 1, 1", q.Len(), q.Unfinished())
		}
		// The timed-out getter left the line: a value goes into the queue.
		wantErr(t, "TryPut", q.TryPut(3), primitives.ErrQueueFull)
		if v, _ := q.TryGet(); v != 1 {
			t.Errorf("TryGet: got %d, want 1", v)
		}
	})
}

func TestQueueCancelAtHandOffKeepsValue(t *testing.T) {
	t.Parallel()
	for range grantRaces {
		bubble(t, func(t *testing.T) {
			q := primitives.NewQueue[int](1)
			ctx, cancel := context.WithCancel(context.Background())
			var got int
			getter := start(func() error {
				v, err := q.Get(ctx)
				got = v
				return err
			})
			wantErr(t, "PutAfter", primitives.PutAfter(q, 7, cancel), nil)
			wantResult(t, "getter cancelled as it was handed a value", getter, done(nil))
			if got != 7 {
				t.Errorf("getter: got %d, want 7", got)
			}

			q.Put(context.Background(), 1)
			ctx2, cancel2 := context.WithCancel(context.Background())
			putter := start(func() error { return q.Put(ctx2, 2) })
			if v, err := primitives.GetAfter(q, cancel2); v != 1 || err != nil {
				t.Errorf("GetAfter: got %d, %v, want 1, nil", v, err)
			}
			wantResult(t, "putter cancelled as its value went in", putter, done(nil))
			if v, err := q.TryGet(); v != 2 || err != nil {
				t.Errorf("TryGet: got %d, %v, want 2, nil", v, err)
			}
		})
	}
}

func TestQueueShutdown(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		ctx := context.Background()
		full := primitives.NewQueue[int](1)
		full.Put(ctx, 1)
		putter := start(func() error { return full.Put(ctx, 2) })
		empty := primitives.NewQueue[int](1)
		getter := start(func() error { _, err := empty.Get(ctx); return err })

		full.Shutdown()
		empty.Shutdown()
		empty.Shutdown() // a second Shutdown does nothing
		wantResult(t, "putter waiting at Shutdown", putter, done(primitives.ErrQueueShutDown))
		wantResult(t, "getter waiting at Shutdown", getter, done(primitives.ErrQueueShutDown))
		wantErr(t, "Put after Shutdown", full.Put(ctx, 3), primitives.ErrQueueShutDown)
		wantErr(t, "TryPut after Shutdown", full.TryPut(3), primitives.ErrQueueShutDown)
		// Gets drain what is left, then fail.
		if v, err := full.Get(ctx); v != 1 || err != nil {
			t.Errorf("Get after Shutdown: got %d, %v, want 1, nil", v, err)
		}
		if _, err := full.Get(ctx); err != primitives.ErrQueueShutDown {
			t.Errorf("Get of an empty shut-down Queue: got error %v, want %v", err, primitives.ErrQueueShutDown)
		}
		if _, err := full.TryGet(); err != primitives.ErrQueueShutDown {
			t.Errorf("TryGet of an empty shut-down Queue: got error %v, want %v", err, primitives.ErrQueueShutDown)
		}
		// The value that got in still counts for Join.
		if got := full.Unfinished(); got != 1 {
			t.Errorf("Unfinished after Shutdown: got %d, want 1", got)
		}
	})
}

func TestQueueJoin(t *testing.T) {
	t.Parallel()
	bubble(t, func(t *testing.T) {
		q := primitives.NewQueue[int](0)
		ctx := context.Background()
		wantErr(t, "Join with nothing put", q.Join(ctx), nil)
		q.Put(ctx, 1)
		q.Put(ctx, 2)
		joiner := start(func() error { return q.Join(ctx) })
		wantErr(t, "Join with a done context", q.Join(cancelled()), context.Canceled)
		tctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		wantErr(t, "Join that times out", q.Join(tctx), context.DeadlineExceeded)
		q.Get(ctx)
		q.TaskDone()
		if got := q.Unfinished(); got != 1 {
			t.Errorf("Unfinished: got %d, want 1", got)
		}
		wantResult(t, "Join with one unfinished", joiner, blocked)
		q.Get(ctx)
		q.TaskDone()
		wantResult(t, "Join with none unfinished", joiner, done(nil))
		wantPanic(t, "extra TaskDone", "primitives: Queue.TaskDone called more times than values were put", q.TaskDone)
		// Join works again for the next batch.
		q.Put(ctx, 3)
		joiner = start(func() error { return q.Join(ctx) })
		q.TaskDone()
		wantResult(t, "second Join", joiner, done(nil))
	})
}

// TestQueueStress: producers and consumers with timeouts firing at random;
// every value that Put accepted is got exactly once, and none that it
// refused is got.
func TestQueueStress(t *testing.T) {
	t.Parallel()
	for _, capacity := range []int{0, 1, 4} {
		q := primitives.NewQueue[int](capacity)
		var (
			mu       sync.Mutex
			accepted []int
			got      []int
			prod     sync.WaitGroup
			cons     sync.WaitGroup
		)
		n := stressN(1000)
		for p := range 4 {
			prod.Go(func() {
				r := rand.New(rand.NewPCG(uint64(p), 4))
				for i := range n {
					v := p*n + i
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.IntN(30))*time.Microsecond)
					if q.Put(ctx, v) == nil {
						mu.Lock()
						accepted = append(accepted, v)
						mu.Unlock()
					}
					cancel()
				}
			})
		}
		for c := range 4 {
			cons.Go(func() {
				r := rand.New(rand.NewPCG(uint64(c), 5))
				for {
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.IntN(30))*time.Microsecond)
					v, err := q.Get(ctx)
					cancel()
					if err == primitives.ErrQueueShutDown {
						return
					}
					if err == nil {
						q.TaskDone()
						mu.Lock()
						got = append(got, v)
						mu.Unlock()
					}
				}
			})
		}
		prod.Wait()
		q.Shutdown()
		cons.Wait()
		slices.Sort(accepted)
		slices.Sort(got)
		if !slices.Equal(got, accepted) {
			t.Errorf("capacity %d: values got differ from values accepted (%d got, %d accepted)", capacity, len(got), len(accepted))
		}
		if err := q.Join(context.Background()); err != nil {
			t.Errorf("capacity %d: Join after every TaskDone: got %v, want nil", capacity, err)
		}
	}
}
