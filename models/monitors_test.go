package models_test

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
	"github.com/interleave-go/interleave/models"
)

// Each monitor accepts a correct program on every schedule (DFS explores
// them all), and rejects a buggy one with a message that names the
// property and the goroutines involved.
func TestMonitors(t *testing.T) {
	cases := []struct {
		name    string
		correct func(t *harness.T)
		buggy   func(t *harness.T)
		want    string // regexp the buggy program's report must match
	}{
		{"mutual exclusion",
			func(t *harness.T) {
				var mu sync.Mutex
				me := models.MutualExclusion(t)
				goroutines(2, func(int) {
					rt.Lock(&mu)
					me.Enter()
					rt.Gosched()
					me.Exit()
					rt.Unlock(&mu)
				})
			},
			func(t *harness.T) {
				var flag atomic.Int32 // a test-and-set that is not atomic
				me := models.MutualExclusion(t)
				goroutines(2, func(int) {
					if rt.Int32Load(&flag) == 0 {
						rt.Int32Store(&flag, 1)
						me.Enter()
						rt.Gosched()
						me.Exit()
						rt.Int32Store(&flag, 0)
					}
				})
			},
			`^interleave: invariant: mutual exclusion: g([12]) entered while g([12]) was inside\n`},
		{"bounded",
			func(t *harness.T) {
				sem := rt.MakeChan(make(chan struct{}, 2))
				b := models.Bounded(t, 2)
				goroutines(3, func(int) {
					rt.Send(sem, struct{}{})
					b.Enter()
					rt.Gosched()
					b.Exit()
					rt.Recv(sem)
				})
			},
			func(t *harness.T) {
				var n atomic.Int32 // a check and an increment that are not one step
				b := models.Bounded(t, 2)
				goroutines(3, func(int) {
					if v := rt.Int32Load(&n); v < 2 {
						rt.Int32Store(&n, v+1)
						b.Enter()
						rt.Gosched()
						b.Exit()
						rt.Int32Add(&n, -1)
					}
				})
			},
			`^interleave: invariant: bounded\(2\): g[123] entered while g[123] and g[123] were inside\n`},
		{"event delivery",
			func(t *harness.T) { deliver(t, &event{}) },
			func(t *harness.T) { deliver(t, &event{lostWakeup: true}) },
			`^interleave: invariant: event delivery: g1 was waiting when g2 set the event, yet its Wait returned timed out\n`},
		{"FIFO",
			func(t *harness.T) { takeTurns(t, &fairLock{}) },
			func(t *harness.T) { takeTurns(t, &fairLock{lifo: true}) },
			`^interleave: invariant: FIFO: request (\d) \(by g(\d)\) was granted before request (\d) \(by g(\d)\), which came first\n`},
		{"no lost permit",
			func(t *harness.T) { sharePermits(t, &counter{}) },
			func(t *harness.T) { sharePermits(t, &counter{lostUpdate: true}) },
			`^interleave: invariant: no lost permit: 1 available \+ 0 held = 1 at the end of the run, want 2 as at the start: 1 permit lost \(g1 acquired 1, released 1; g2 acquired 1, released 1\)\n`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var sum harness.Summary
			if r := explore(t, c.correct, harness.Strategy(harness.DFS()), harness.Runs(20000), harness.Summarize(&sum)); r != "" {
				t.Fatalf("correct program rejected:\n%s", r)
			}
			if !sum.Exhaustive {
				t.Errorf("correct program: %d runs did not explore every schedule", sum.Runs)
			}
			r := explore(t, c.buggy, harness.Runs(2000))
			if !regexp.MustCompile(c.want).MatchString(r) {
				t.Fatalf("buggy program: report does not match %s:\n%s", c.want, r)
			}
			if !strings.Contains(r, "\nreplay: go test ") {
				t.Errorf("buggy program: report has no replay line:\n%s", r)
			}
		})
	}
}

// goroutines runs f in n goroutines of the run, as g1 to gn, and waits for
// them.
func goroutines(n int, f func(i int)) {
	var wg sync.WaitGroup
	rt.WaitGroupAdd(&wg, n)
	for i := range n {
		rt.Go(func() {
			defer rt.WaitGroupDone(&wg)
			f(i)
		})
	}
	rt.WaitGroupWait(&wg)
}

// event is an event as package primitives builds it, or with a lost
// wakeup: a Wait that finds it clear lets go of the mutex before it takes
// the channel that Set closes, and misses a Set in between.
type event struct {
	lostWakeup bool
	mu         sync.Mutex
	set        bool
	ch         chan struct{}
}

var errTimedOut = errors.New("timed out")

func (e *event) Set() {
	rt.Lock(&e.mu)
	if !e.set {
		e.set = true
		if e.ch != nil {
			rt.Close(e.ch)
			e.ch = nil
		}
	}
	rt.Unlock(&e.mu)
}

// Wait gives up after an hour of virtual time, which passes only when
// nothing else can run.
func (e *event) Wait() error {
	rt.Lock(&e.mu)
	if e.set {
		rt.Unlock(&e.mu)
		return nil
	}
	if e.lostWakeup {
		rt.Unlock(&e.mu)
		rt.Lock(&e.mu)
	}
	if e.ch == nil {
		e.ch = rt.MakeChan(make(chan struct{}))
	}
	ch := e.ch
	rt.Unlock(&e.mu)
	if rt.Select(false, rt.RecvCase(ch, nil, nil), rt.RecvCase(rt.After(time.Hour), nil, nil)) == 1 {
		return errTimedOut
	}
	return nil
}

// deliver has g1 wait for the event and g2 set it.
func deliver(t *harness.T, e *event) {
	d := models.EventDelivery(t)
	goroutines(2, func(i int) {
		if i == 0 {
			d.Wait(e.Wait)
		} else {
			d.Set(e.Set)
		}
	})
}

// fairLock is a lock that hands itself to the waiter that came first, or
// with a bug, to the one that came last. The line is recorded where it
// forms, under the lock's own mutex.
type fairLock struct {
	lifo    bool
	mu      sync.Mutex
	held    bool
	waiters []chan struct{}
}

func (l *fairLock) lock(o *models.Order, id int) {
	rt.Lock(&l.mu)
	o.Request(id)
	if !l.held {
		l.held = true
		rt.Unlock(&l.mu)
		o.Granted(id)
		return
	}
	c := rt.MakeChan(make(chan struct{}, 1))
	l.waiters = append(l.waiters, c)
	rt.Unlock(&l.mu)
	rt.Recv(c) // the lock is ours: handed over by unlock
	o.Granted(id)
}

func (l *fairLock) unlock() {
	rt.Lock(&l.mu)
	if n := len(l.waiters); n == 0 {
		l.held = false
	} else {
		i := 0
		if l.lifo {
			i = n - 1
		}
		c := l.waiters[i]
		l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
		rt.Send(c, struct{}{})
	}
	rt.Unlock(&l.mu)
}

// takeTurns has the body hold the lock while g1, g2 and g3 line up for
// it.
func takeTurns(t *harness.T, l *fairLock) {
	o := models.FIFO(t)
	l.lock(o, 0)
	var wg sync.WaitGroup
	rt.WaitGroupAdd(&wg, 3)
	for i := 1; i <= 3; i++ {
		rt.Go(func() {
			defer rt.WaitGroupDone(&wg)
			l.lock(o, i)
			l.unlock()
		})
	}
	l.unlock()
	rt.WaitGroupWait(&wg)
}

// counter is a semaphore's count of permits, whose Release may be a read
// and a write that another Release can come between.
type counter struct {
	lostUpdate bool
	n          atomic.Int32
}

func (c *counter) tryAcquire() bool {
	for {
		v := rt.Int32Load(&c.n)
		if v == 0 {
			return false
		}
		if rt.Int32CompareAndSwap(&c.n, v, v-1) {
			return true
		}
	}
}

func (c *counter) release() {
	if c.lostUpdate {
		v := rt.Int32Load(&c.n)
		rt.Int32Store(&c.n, v+1)
		return
	}
	rt.Int32Add(&c.n, 1)
}

// sharePermits has g1 and g2 take a permit of two and give it back.
func sharePermits(t *harness.T, c *counter) {
	c.n.Store(2)
	p := models.NoLostPermit(t, 2, func() int { return int(c.n.Load()) })
	goroutines(2, func(int) {
		if c.tryAcquire() {
			p.Acquired(1)
			c.release()
			p.Released(1)
		}
	})
}

func TestDeliveryCheckNamesAWaiterLeftBehind(t *testing.T) {
	// Outside a run, with real goroutines: the check that EventDelivery
	// registers for the end of a run.
	d := models.EventDelivery(new(harness.T))
	started, release, returned := make(chan bool), make(chan bool), make(chan bool)
	go func() {
		d.Wait(func() error { close(started); <-release; return nil })
		close(returned)
	}()
	<-started
	if err := d.Check(); err != nil {
		t.Fatalf("before any Set: %v", err)
	}
	d.Set(func() {})
	want := "event delivery: a goroutine outside the run was waiting when a goroutine outside the run set the event, and its Wait had not returned when the run ended"
	if err := d.Check(); err == nil || err.Error() != want {
		t.Fatalf("after Set: got %v, want %s", err, want)
	}
	close(release)
	<-returned
	if err := d.Check(); err != nil {
		t.Fatalf("after Wait returned: %v", err)
	}
}

func TestSectionExitByAnotherGoroutine(t *testing.T) {
	// A lock unlocked by another goroutine than the one that locked it:
	// g1 enters, the body leaves for it, then g2 enters.
	r := explore(t, func(t *harness.T) {
		me := models.MutualExclusion(t)
		entered := rt.MakeChan(make(chan bool))
		rt.Go(func() { me.Enter(); rt.Send(entered, true) })
		rt.Recv(entered)
		me.Exit()
		rt.Go(func() { me.Enter(); me.Exit(); rt.Send(entered, true) })
		rt.Recv(entered)
	}, harness.Strategy(harness.DFS()))
	if r != "" {
		t.Fatalf("report:\n%s", r)
	}
	me := models.MutualExclusion(new(harness.T))
	require.PanicsWithValue(t, "models: Section.Exit with nobody inside", me.Exit)
	require.PanicsWithValue(t, "models: Bounded with fewer than 1 goroutine", func() { models.Bounded(new(harness.T), 0) })
}

func TestOrderWithdraw(t *testing.T) {
	// A request that gives up leaves the line: the one behind it is next.
	o := models.FIFO(new(harness.T))
	o.Request(1)
	o.Request(2)
	o.Withdraw(1)
	o.Granted(2)
	require.PanicsWithValue(t, "models: Order.Granted of a request that is not waiting", func() { o.Granted(1) })
	o.Request(3)
	require.PanicsWithValue(t, "models: Order.Request of a request that is waiting already", func() { o.Request(3) })
}

func TestDeadlockAndLeakFreedom(t *testing.T) {
	deadlock := func(t *harness.T) {
		var mu sync.Mutex
		rt.Lock(&mu)
		rt.Lock(&mu)
	}
	leak := func(t *harness.T) {
		ch := rt.MakeChan(make(chan int))
		rt.Go(func() { rt.Send(ch, 1) })
	}
	cases := []struct {
		name string
		body func(*harness.T)
		opt  harness.Option
		want string // the start of the report
	}{
		{"DeadlockFreedom", deadlock, models.DeadlockFreedom(), "interleave: deadlock:"},
		{"AllowDeadlock", deadlock, models.AllowDeadlock(), ""},
		{"LeakFreedom", leak, models.LeakFreedom(), "interleave: leak:"},
		{"AllowLeaks", leak, models.AllowLeaks(), ""},
	}
	for _, c := range cases {
		r := explore(t, c.body, c.opt, harness.Runs(10))
		if !strings.HasPrefix(r, c.want) || (c.want == "") != (r == "") {
			t.Errorf("%s: report %q, want it to start with %q", c.name, firstLine(r), c.want)
		}
	}
}
