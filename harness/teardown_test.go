package harness_test

import (
	"regexp"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// A goroutine still blocked when a run ends is torn down with its deferred
// calls, which the program itself never runs. The tests below leave a
// goroutine blocked in each kind of operation under deferred calls that
// would be wrong to run: releases of locks it gave up before it blocked,
// a Done of a counter already at zero, a close of a closed channel, a
// failed check. The run must be reported as the leak or deadlock it is,
// with a replay line, and the teardown must neither crash the test binary
// (sync's fatal errors cannot be recovered) nor show in the report.

// blocker leaves the calling goroutine blocked for good; hold, set up by
// the body before the goroutine starts, makes it so.
type blocker struct {
	name  string
	setup func() (block func())
}

func blockers() []blocker {
	return []blocker{
		{"receive", func() func() {
			ch := rt.MakeChan(make(chan int))
			return func() { rt.Recv(ch) }
		}},
		{"send", func() func() {
			ch := rt.MakeChan(make(chan int))
			return func() { rt.Send(ch, 1) }
		}},
		{"select", func() func() {
			a, b := rt.MakeChan(make(chan int)), rt.MakeChan(make(chan int))
			return func() { rt.Select(false, rt.RecvCase(a, nil, nil), rt.SendCase(b, 1)) }
		}},
		{"Lock", func() func() {
			var mu sync.Mutex
			rt.Lock(&mu) // held by the body for good
			return func() { rt.Lock(&mu) }
		}},
		{"RLock", func() func() {
			var rw sync.RWMutex
			rt.RWLock(&rw)
			return func() { rt.RLock(&rw) }
		}},
		{"RWMutex.Lock", func() func() {
			var rw sync.RWMutex
			rt.RLock(&rw)
			return func() { rt.RWLock(&rw) }
		}},
		{"WaitGroup.Wait", func() func() {
			var wg sync.WaitGroup
			rt.WaitGroupAdd(&wg, 1)
			return func() { rt.WaitGroupWait(&wg) }
		}},
		{"Cond.Wait", func() func() {
			var mu sync.Mutex
			c := sync.NewCond(&mu)
			return func() {
				rt.Lock(&mu)
				defer rt.Unlock(&mu) // Wait gave mu up; never signaled, it does not take it back
				rt.CondWait(c)
			}
		}},
		{"Cond.Wait on an RWMutex", func() func() {
			var rw sync.RWMutex
			c := sync.NewCond(&rw)
			return func() {
				rt.RWLock(&rw)
				defer rt.RWUnlock(&rw)
				rt.CondWait(c)
			}
		}},
		{"Cond.Wait on a read lock", func() func() {
			var rw sync.RWMutex
			c := sync.NewCond(rw.RLocker())
			return func() {
				rt.RLock(&rw)
				defer rt.RUnlock(&rw)
				rt.CondWait(c)
			}
		}},
		{"Once.Do", func() func() {
			var once sync.Once
			block := rt.MakeChan(make(chan int))
			rt.Go(func() { rt.OnceDo(&once, func() { rt.Recv(block) }) })
			return func() { rt.OnceDo(&once, func() {}) }
		}},
	}
}

// wrong is a deferred call that the program could never make at the
// point where the goroutine blocked.
type wrong struct {
	name string
	// arm runs in the goroutine before it blocks and returns the deferred
	// call.
	arm func(t *harness.T) func()
}

func wrongs() []wrong {
	return []wrong{
		{"Unlock of a mutex given up", func(*harness.T) func() {
			var mu sync.Mutex
			rt.Lock(&mu)
			rt.Unlock(&mu)
			return func() { rt.Unlock(&mu) }
		}},
		{"RWMutex.Unlock of a lock given up", func(*harness.T) func() {
			var rw sync.RWMutex
			rt.RWLock(&rw)
			rt.RWUnlock(&rw)
			return func() { rt.RWUnlock(&rw) }
		}},
		{"RUnlock of a read lock given up", func(*harness.T) func() {
			var rw sync.RWMutex
			rt.RLock(&rw)
			rt.RUnlock(&rw)
			return func() { rt.RUnlock(&rw) }
		}},
		{"Done below zero", func(*harness.T) func() {
			var wg sync.WaitGroup
			return func() { rt.WaitGroupDone(&wg) }
		}},
		{"close of a closed channel", func(*harness.T) func() {
			ch := rt.MakeChan(make(chan int))
			rt.Close(ch)
			return func() { rt.Close(ch) }
		}},
		{"failed check", func(t *harness.T) func() {
			return func() { t.Errorf("teardown ran a deferred check") }
		}},
		{"panic", func(*harness.T) func() {
			return func() { panic("teardown ran a deferred panic") }
		}},
	}
}

func TestTeardownOfBlockedGoroutinesIsInert(t *testing.T) {
	t.Parallel()
	for _, b := range blockers() {
		for _, w := range wrongs() {
			for _, wait := range []bool{false, true} {
				name := b.name + "/" + w.name + "/leak"
				want := regexp.MustCompile(`^interleave: leak: \d goroutines? still blocked after the test body returned\n`)
				if wait {
					name = b.name + "/" + w.name + "/deadlock"
					want = regexp.MustCompile(`^interleave: deadlock: all goroutines are blocked\n`)
				}
				t.Run(name, func(t *testing.T) {
					report := explore(t, func(t *harness.T) {
						block := b.setup()
						done := rt.MakeChan(make(chan int))
						rt.Go(func() {
							defer rt.Close(done) // never reached in the program
							defer w.arm(t)()
							block()
						})
						if wait {
							rt.Recv(done)
						}
					}, harness.Runs(20))
					if !want.MatchString(report) {
						t.Fatalf("got report:\n%s\nwant one matching %s", report, want)
					}
					if tok := replayToken(t, report); tok == "" {
						t.Fatalf("no replay token in:\n%s", report)
					}
					for _, noise := range []string{"teardown ran", "negative WaitGroup", "close of closed", "unlock of unlocked"} {
						if regexp.MustCompile(regexp.QuoteMeta(noise)).MatchString(report) {
							t.Errorf("the report shows the teardown's %q:\n%s", noise, report)
						}
					}
				})
			}
		}
	}
}

// TestTeardownOfTheReproducer is the store of the issue that crashed the
// harness: two Deletes that take the store's lock, then the entry's,
// release the store's and take it back, under deferred releases of both.
func TestTeardownOfTheReproducer(t *testing.T) {
	t.Parallel()
	type entry struct{ mu sync.Mutex }
	type store struct {
		mu      sync.Mutex
		entries map[string]*entry
	}
	del := func(s *store, key string) {
		rt.Lock(&s.mu)
		defer rt.Unlock(&s.mu)
		e := s.entries[key]
		rt.Lock(&e.mu)
		defer rt.Unlock(&e.mu)
		rt.Unlock(&s.mu)
		rt.Sleep(1)
		rt.Lock(&s.mu)
	}
	for _, spec := range []harness.StrategySpec{harness.Portfolio(), harness.DFS(), harness.Random()} {
		report := explore(t, func(t *harness.T) {
			s := &store{entries: map[string]*entry{"a": {}}}
			rt.Go(func() { del(s, "a") })
			rt.Go(func() { del(s, "a") })
		}, harness.Strategy(spec), harness.Runs(200))
		if want := regexp.MustCompile(`^interleave: leak: 2 goroutines still blocked`); !want.MatchString(report) {
			t.Fatalf("got report:\n%s\nwant one matching %s", report, want)
		}
	}
}
