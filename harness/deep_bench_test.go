package harness_test

import (
	"flag"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// Programs whose bug needs two or three ordering constraints, written
// against the runtime ABI as instrumented code would call it. Each
// goroutine pads its interesting steps with noise (see noise), so that the
// interleavings that break the program are a small share of all: what a
// strategy must find is an order between a few steps among many.
var deepPrograms = []struct {
	name string
	body func(*harness.T)
}{
	// g1 checks a flag and uses it; g2's write must fall between.
	{"window", func(t *harness.T) {
		var st int64
		spawn(func(p *pad) {
			noise(p, 6)
			if rt.LoadInt64(&st) == 0 {
				noise(p, 3)
				if rt.LoadInt64(&st) != 0 {
					t.Errorf("window: flag changed between check and use")
				}
			}
		}, func(p *pad) {
			noise(p, 18)
			rt.StoreInt64(&st, 1)
		})
	}},
	// As window, and g2 writes only once g3, late, has armed it.
	{"window3", func(t *harness.T) {
		var st, armed int64
		spawn(func(p *pad) {
			noise(p, 6)
			if rt.LoadInt64(&st) == 0 {
				noise(p, 3)
				if rt.LoadInt64(&st) != 0 {
					t.Errorf("window3: flag changed between check and use")
				}
			}
		}, func(p *pad) {
			noise(p, 9)
			if rt.LoadInt64(&armed) == 1 {
				rt.StoreInt64(&st, 1)
			}
		}, func(p *pad) {
			noise(p, 15)
			rt.StoreInt64(&armed, 1)
		})
	}},
	// Two increments in separate critical sections, one lost: the late
	// goroutine's read must come between the early one's read and write.
	{"lost2", func(t *harness.T) {
		var mu sync.Mutex
		c := 0
		inc := func(n int) func(p *pad) {
			return func(p *pad) {
				noise(p, n)
				rt.Lock(&mu)
				v := c
				rt.Unlock(&mu)
				rt.Lock(&mu)
				c = v + 1
				rt.Unlock(&mu)
			}
		}
		spawn(inc(1), inc(15))
		if c == 1 {
			t.Errorf("lost2: an increment was lost")
		}
	}},
	// Three increments, two of them lost: every read before the first
	// write, though the goroutines start far apart.
	{"lost3", func(t *harness.T) {
		var mu sync.Mutex
		c := 0
		inc := func(n int) func(p *pad) {
			return func(p *pad) {
				noise(p, n)
				rt.Lock(&mu)
				v := c
				rt.Unlock(&mu)
				noise(p, 1)
				rt.Lock(&mu)
				c = v + 1
				rt.Unlock(&mu)
			}
		}
		spawn(inc(0), inc(7), inc(14))
		if c == 1 {
			t.Errorf("lost3: two increments were lost")
		}
	}},
	// Three goroutines finish against the grain: the longest first.
	{"chain3", func(t *harness.T) {
		var seq, at1, at2, at3 int64
		mark := func(at *int64) { rt.StoreInt64(at, rt.AddInt64(&seq, 1)) }
		spawn(func(p *pad) {
			noise(p, 3)
			mark(&at1)
		}, func(p *pad) {
			noise(p, 12)
			mark(&at2)
		}, func(p *pad) {
			noise(p, 21)
			mark(&at3)
		})
		if at3 < at2 && at2 < at1 {
			t.Errorf("chain3: finished in reverse order")
		}
	}},
	// A transfer of two steps, made early, seen half done by a late
	// auditor.
	{"transfer", func(t *harness.T) {
		var a, b int64 = 10, 0
		spawn(func(p *pad) {
			noise(p, 2)
			rt.StoreInt64(&a, rt.LoadInt64(&a)-5)
			noise(p, 2)
			rt.StoreInt64(&b, rt.LoadInt64(&b)+5)
		}, func(p *pad) {
			noise(p, 16)
			x := rt.LoadInt64(&a)
			y := rt.LoadInt64(&b)
			if x+y != 10 {
				t.Errorf("transfer: auditor saw %d+%d", x, y)
			}
		})
	}},
	// Double-checked initialization: a reader sees the value half built.
	{"dcl", func(t *harness.T) {
		var mu sync.Mutex
		var v int64
		get := func() int64 {
			if x := rt.LoadInt64(&v); x != 0 {
				return x
			}
			rt.Lock(&mu)
			defer rt.Unlock(&mu)
			if rt.LoadInt64(&v) == 0 {
				rt.StoreInt64(&v, 1) // half built
				rt.StoreInt64(&v, 2)
			}
			return rt.LoadInt64(&v)
		}
		spawn(func(p *pad) {
			noise(p, 6)
			get()
		}, func(p *pad) {
			noise(p, 12)
			if x := get(); x != 2 {
				t.Errorf("dcl: got %d, want 2", x)
			}
		})
	}},
	// A select takes its default before a send, and then finds the
	// sender's done flag set.
	{"selectdone", func(t *harness.T) {
		c := rt.MakeChan(make(chan int, 1))
		var done int64
		spawn(func(p *pad) {
			noise(p, 3)
			rt.Send(c, 1)
			noise(p, 9)
			rt.StoreInt64(&done, 1)
		}, func(p *pad) {
			noise(p, 9)
			var v int
			var ok bool
			if rt.Select(true, rt.RecvCase(c, &v, &ok)) < 0 && rt.LoadInt64(&done) == 1 {
				t.Errorf("selectdone: nothing received, yet the sender is done")
			}
		})
	}},
	// Three philosophers, each takes its left fork then its right one.
	{"philosophers", func(t *harness.T) {
		var forks [3]sync.Mutex
		var fs []func(*pad)
		for i := range 3 {
			fs = append(fs, func(p *pad) {
				noise(p, 7*i)
				rt.Lock(&forks[i])
				noise(p, 1)
				rt.Lock(&forks[(i+1)%3])
				rt.Unlock(&forks[(i+1)%3])
				rt.Unlock(&forks[i])
			})
		}
		spawn(fs...)
	}},
	// A flag published before its data, early; the reader comes late.
	{"flagdata", func(t *harness.T) {
		var pub, data int64
		spawn(func(p *pad) {
			noise(p, 1)
			rt.StoreInt64(&pub, 1)
			noise(p, 2)
			rt.StoreInt64(&data, 1)
		}, func(p *pad) {
			noise(p, 16)
			if rt.LoadInt64(&pub) == 1 && rt.LoadInt64(&data) == 0 {
				t.Errorf("flagdata: flag set, data missing")
			}
		})
	}},
	// As flagdata, but the writer publishes only once a third goroutine,
	// the latest of all, has enabled it: three orders.
	{"flagdata3", func(t *harness.T) {
		var pub, data, enabled int64
		spawn(func(p *pad) {
			noise(p, 2)
			if rt.LoadInt64(&enabled) == 1 {
				rt.StoreInt64(&pub, 1)
			}
			noise(p, 2)
			rt.StoreInt64(&data, 1)
		}, func(p *pad) {
			noise(p, 10)
			if rt.LoadInt64(&pub) == 1 && rt.LoadInt64(&data) == 0 {
				t.Errorf("flagdata3: flag set, data missing")
			}
		}, func(p *pad) {
			noise(p, 14)
			rt.StoreInt64(&enabled, 1)
		})
	}},
	// ABA: a compare-and-swap succeeds though the value changed and came
	// back in between.
	{"aba", func(t *harness.T) {
		var x, changed int64
		spawn(func(p *pad) {
			noise(p, 1)
			old := rt.LoadInt64(&x)
			noise(p, 2)
			if rt.CompareAndSwapInt64(&x, old, old+1) && rt.LoadInt64(&changed) == 1 {
				t.Errorf("aba: swapped a value that changed meanwhile")
			}
		}, func(p *pad) {
			noise(p, 14)
			rt.StoreInt64(&x, 7)
			rt.StoreInt64(&changed, 1)
			rt.StoreInt64(&x, 0)
		})
	}},
}

// A pad is what a goroutine's noise touches: a variable of its own, and a
// statistics counter that all the goroutines of a program bump.
type pad struct{ own, stats *int64 }

// spawn runs each f as a goroutine and waits for them.
func spawn(fs ...func(p *pad)) {
	var wg sync.WaitGroup
	var stats int64
	rt.WaitGroupAdd(&wg, len(fs))
	for _, f := range fs {
		rt.Go(func() {
			defer rt.WaitGroupDone(&wg)
			var own int64
			f(&pad{own: &own, stats: &stats})
		})
	}
	rt.WaitGroupWait(&wg)
}

// noise makes n steps: loads of the goroutine's own variable, which
// conflict with nothing, and every other one an increment of the shared
// counter, which conflicts with the other goroutines' noise.
func noise(p *pad, n int) {
	for i := range n {
		if i%2 == 1 {
			rt.AddInt64(p.stats, 1)
		} else {
			rt.LoadInt64(p.own)
		}
	}
}

// BenchmarkDeep measures how many runs each strategy needs to find the
// bug of each of deepPrograms: the median over 20 seeds (budget+1 where a
// seed did not find it), and how many seeds found it. The portfolio of
// three is the default of before rff joined it.
//
//	go test ./harness -run '^$' -bench Deep -benchtime 1x
func BenchmarkDeep(b *testing.B) {
	const seeds, budget = 20, 10000
	if err := flag.Set("interleave.shrink", "false"); err != nil {
		b.Fatal(err)
	}
	strategies := []harness.StrategySpec{harness.Random(), harness.PCT(3), harness.POS(), harness.Portfolio(harness.Random(), harness.POS(), harness.PCT(3)), harness.Portfolio(), harness.RFF()}
	for _, prog := range deepPrograms {
		for _, strat := range strategies {
			b.Run("program="+prog.name+"/strategy="+strat.String(), func(b *testing.B) {
				var runs []int
				hits := 0
				for range b.N {
					runs, hits = runs[:0], 0
					for seed := range seeds {
						var sum harness.Summary
						explore(b, prog.body, harness.Strategy(strat), harness.Seed(uint64(seed)), harness.Runs(budget), harness.Summarize(&sum))
						if sum.Failed {
							runs = append(runs, sum.Runs)
							hits++
						} else {
							runs = append(runs, budget+1)
						}
					}
				}
				slices.Sort(runs)
				b.ReportMetric(float64(runs[len(runs)/2]), "runs-median")
				b.ReportMetric(float64(hits), "found-of-"+strconv.Itoa(seeds))
			})
		}
	}
}
