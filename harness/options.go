package harness

import (
	"errors"
	"fmt"
	"time"

	"go.uber.org/goleak"

	"github.com/interleave-go/interleave/harness/internal/engine"
	"github.com/interleave-go/interleave/harness/internal/strategy"
)

// config holds an exploration's settings. Every default is set in
// defaultConfig, and the command-line flags (flags.go) override them
// before the options do.
type config struct {
	runs     int
	time     time.Duration
	seed     uint64
	strategy StrategySpec
	maxSteps int
	window   int // transitions of a run the strategy chooses; 0: the engine's default
	watchdog time.Duration
	latency  time.Duration
	allowed  map[engine.FailKind]bool // kinds of failure the test expects
	replay   string
	verbose  bool

	ignore         []goleak.Option // goroutines outside the harness that may outlive the test
	visibleHandoff bool
	summary        *Summary
	shard, shards  int
}

func defaultConfig() config {
	return config{
		runs:     1000,
		time:     10 * time.Second,
		strategy: defaultStrategy(),
		maxSteps: 1_000_000,
		watchdog: time.Second,
		latency:  engine.AutoLatency,
	}
}

// An Option configures Explore.
type Option interface {
	apply(*config) error
}

type optionFunc func(*config) error

func (f optionFunc) apply(c *config) error { return f(c) }

// Runs sets the number of runs to explore; the default is 1000. The
// exploration also stops at the Time budget.
func Runs(n int) Option {
	return optionFunc(func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("Runs(%d): the number of runs must be positive", n)
		}
		c.runs = n
		return nil
	})
}

// Time sets the wall-clock budget of the exploration; the default is 10s.
// The run in progress when it is spent completes.
func Time(d time.Duration) Option {
	return optionFunc(func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("Time(%v): the time budget must be positive", d)
		}
		c.time = d
		return nil
	})
}

// Seed sets the seed from which the strategy draws its choices; the
// default is 0. The same seed explores the same schedules.
func Seed(s uint64) Option {
	return optionFunc(func(c *config) error {
		c.seed = s
		return nil
	})
}

// Strategy sets how schedules are chosen; the default is
// Portfolio(Random(), POS(), PCT(3), RFF()).
func Strategy(s StrategySpec) Option {
	return optionFunc(func(c *config) error {
		if s == nil {
			return errors.New("Strategy(nil): a strategy is required")
		}
		c.strategy = s
		return nil
	})
}

// MaxSteps sets how many scheduling steps a run may take without progress
// (a goroutine ending, a WaitGroup.Done, a channel closed) before it fails
// as a livelock (kind step-limit), and, times twenty, how many it may take
// in all; the default is 1,000,000. The strategy
// chooses the first tenth of a run's steps; past them the run finishes
// under a fair round-robin scheduler, so that a long test (a stress loop)
// has its start explored and still runs to its end.
func MaxSteps(n int) Option {
	return optionFunc(func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("MaxSteps(%d): the step limit must be positive", n)
		}
		c.maxSteps = n
		return nil
	})
}

// Watchdog sets how long a controlled goroutine may run without reaching a
// scheduling point before the run fails as blocked outside the harness's
// control (kind watchdog); the default is 1s.
func Watchdog(d time.Duration) Option {
	return optionFunc(func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("Watchdog(%v): the watchdog duration must be positive", d)
		}
		c.watchdog = d
		return nil
	})
}

// Latency bounds how long, in virtual time, a goroutine that can run waits
// for its turn: a timer or a sleep expires ahead of a ready goroutine only
// if it does so within d of when that goroutine became ready. Latency(0)
// moves the clock only when no goroutine can run, as testing/synctest
// does; Latency(100*time.Millisecond) explores what a loaded machine may
// do, a goroutine held back 100ms while timers fire.
//
// Without it, the timing is automatic: a goroutine that can run does so
// before the clock moves, but the end of a sleep or of a timer of duration
// d may come late, by up to ten times d (at most a second), because the
// work a sleep stands for may take longer: a 20ms backend call guarded by
// a 100ms timeout is explored timing out, while a test's own sleep "to let
// the goroutines block" is taken at its word. A finding that depends on a
// goroutine waiting while the clock moved says so on its second line. A
// replay uses the latency its token was found with.
func Latency(d time.Duration) Option {
	return optionFunc(func(c *config) error {
		if d < 0 {
			return fmt.Errorf("Latency(%v): the latency must not be negative", d)
		}
		c.latency = d
		return nil
	})
}

// DeadlockFree states whether every run must end without a deadlock (all
// goroutines blocked, no timer to fire). It is on by default; a test of
// code that may deadlock by design turns it off with DeadlockFree(false).
func DeadlockFree(on bool) Option { return allow(engine.KindDeadlock, !on) }

// LeakFree states whether every goroutine a run starts must have returned
// when the body returns. It is on by default; LeakFree(false) lets
// goroutines outlive the body (they are stopped at the run's end).
func LeakFree(on bool) Option { return allow(engine.KindLeak, !on) }

// leakKind is the kind LeakFree(false) allows.
const leakKind = engine.KindLeak

// IgnoreGoroutines takes goleak's options (goleak.IgnoreTopFunction,
// goleak.IgnoreAnyFunction, goleak.IgnoreCurrent) for goroutines outside
// the harness's control that may outlive the test: a background goroutine
// a library starts once and keeps.
func IgnoreGoroutines(opts ...goleak.Option) Option {
	return optionFunc(func(c *config) error {
		c.ignore = append(c.ignore, opts...)
		return nil
	})
}

func allow(k engine.FailKind, ok bool) Option {
	return optionFunc(func(c *config) error {
		if c.allowed == nil {
			c.allowed = map[engine.FailKind]bool{}
		}
		c.allowed[k] = ok
		return nil
	})
}

// Replay runs the single schedule a failure's token describes, with full
// tracing, instead of exploring. The -interleave.replay flag and the
// INTERLEAVE_REPLAY environment variable do the same without editing the
// test, and take precedence.
func Replay(token string) Option {
	return optionFunc(func(c *config) error {
		c.replay = token
		return nil
	})
}

// VisibleHandoff lets the race detector see the harness handing the baton
// from goroutine to goroutine. Those handoffs then order every step of a
// run, and the detector finds no race at all: the option exists to test
// that the harness hides them, not for use.
func VisibleHandoff() Option {
	return optionFunc(func(c *config) error {
		c.visibleHandoff = true
		return nil
	})
}

// A StrategySpec names a strategy and its parameters.
type StrategySpec interface {
	String() string
	newStrategy(seed uint64) engine.Strategy
}

type randomSpec struct{}

func (randomSpec) String() string                          { return "random" }
func (randomSpec) newStrategy(seed uint64) engine.Strategy { return strategy.NewRandom(seed) }

type pctSpec struct{ depth int }

func (s pctSpec) String() string                          { return fmt.Sprintf("pct(%d)", s.depth) }
func (s pctSpec) newStrategy(seed uint64) engine.Strategy { return strategy.NewPCT(s.depth, seed) }

// Random is the random walk: at every scheduling point each enabled
// goroutine is equally likely to go next.
func Random() StrategySpec { return randomSpec{} }

// PCT is probabilistic concurrency testing with the given depth, the
// number of ordering constraints a bug needs (Burckhardt et al., ASPLOS
// 2010): goroutines run by random priority, and depth-1 times in a run the
// running goroutine drops to the lowest priority. Depth 2 finds most
// ordering bugs and deadlocks between two goroutines; 3 is the default.
func PCT(depth int) StrategySpec {
	if depth < 1 {
		depth = 1
	}
	return pctSpec{depth: depth}
}

type posSpec struct{}

func (posSpec) String() string                          { return "pos" }
func (posSpec) newStrategy(seed uint64) engine.Strategy { return strategy.NewPOS(seed) }

// POS is partial order sampling (Yuan et al., CAV 2018): steps run by
// random priority, and a step that races with the one that ran draws a new
// priority. It samples the partial orders of a program more evenly than a
// random walk samples its interleavings.
func POS() StrategySpec { return posSpec{} }

type rffSpec struct{}

func (rffSpec) String() string                          { return "rff" }
func (rffSpec) newStrategy(seed uint64) engine.Strategy { return strategy.NewRFF(seed) }

// RFF is greybox schedule fuzzing after reads-from fuzzing (Wolff et al.,
// ASPLOS 2024): it keeps the schedules, written as orders "operation A
// before operation B", whose runs covered an ordered pair of conflicting
// operations that no run before had, and mutates them (reverses a pair,
// keeps one, drops an order), sampling the rest of each run as POS does.
// What a run does depends on the runs before it: an exploration under RFF
// repeats only as a whole, from its seed; a failure replays from its token
// as always.
func RFF() StrategySpec { return rffSpec{} }

type portfolioSpec struct{ members []StrategySpec }

func (s portfolioSpec) String() string {
	name := "portfolio("
	for i, m := range s.members {
		if i > 0 {
			name += ","
		}
		name += m.String()
	}
	return name + ")"
}

func (s portfolioSpec) newStrategy(seed uint64) engine.Strategy {
	var ms []engine.Strategy
	for i, m := range s.members {
		ms = append(ms, m.newStrategy(seed+uint64(i)*0x632be59bd9b4e019))
	}
	return strategy.NewPortfolio(ms...)
}

// Portfolio takes turns between strategies, one run each: what one finds
// slowly another often finds fast (Coyote's portfolio). The default
// strategy is a portfolio; see BENCHMARKS.md for the measurement that
// chose it.
func Portfolio(members ...StrategySpec) StrategySpec {
	if len(members) == 0 {
		return defaultStrategy()
	}
	return portfolioSpec{members: members}
}

// defaultStrategy is what Explore uses unless told otherwise.
func defaultStrategy() StrategySpec {
	return portfolioSpec{members: []StrategySpec{Random(), POS(), PCT(3), RFF()}}
}

type dfsSpec struct {
	por   bool
	bound int
}

func (s dfsSpec) String() string {
	switch {
	case s.por:
		return "dfs"
	case s.bound < 0:
		return "dfs:all"
	}
	return fmt.Sprintf("dfs:%d", s.bound)
}
func (s dfsSpec) newStrategy(uint64) engine.Strategy { return strategy.NewDFS(s.por, s.bound) }

// DFS is exhaustive search with dynamic partial order reduction: it runs
// one schedule of every class of schedules that differ only in the order
// of independent steps (operations on different objects), depth first,
// until it has run them all or the budget is spent; the exploration then
// logs "exhaustive: N schedules, no failure". Independence is judged on
// the operations the harness schedules: goroutines that also share plain
// memory without synchronization have data races, which -race finds.
func DFS() StrategySpec { return dfsSpec{por: true, bound: -1} }

// BoundedDFS is exhaustive search without partial order reduction, by
// iterative context bounding (Musuvathi and Qadeer, PLDI 2007): every
// schedule with no preemption, then with one, and so on up to preemptions
// (or without limit, if negative). The first failure it finds has the
// fewest preemptions that show it.
func BoundedDFS(preemptions int) StrategySpec { return dfsSpec{bound: preemptions} }

// ParseStrategy reads a strategy as the -interleave.strategy flag and the
// interleave command spell it: portfolio, random, pct, pct:N, pos, rff,
// dfs, dfs:N, dfs:all.
func ParseStrategy(s string) (StrategySpec, error) {
	switch s {
	case "random":
		return Random(), nil
	case "pct":
		return PCT(3), nil
	case "dfs":
		return DFS(), nil
	case "dfs:all":
		return BoundedDFS(-1), nil
	case "pos":
		return POS(), nil
	case "rff":
		return RFF(), nil
	case "portfolio":
		return defaultStrategy(), nil
	}
	var d int
	if n, err := fmt.Sscanf(s, "pct:%d", &d); err == nil && n == 1 && d >= 1 {
		return PCT(d), nil
	}
	if n, err := fmt.Sscanf(s, "dfs:%d", &d); err == nil && n == 1 && d >= 0 {
		return BoundedDFS(d), nil
	}
	return nil, fmt.Errorf("unknown strategy %q (want portfolio, random, pct, pct:DEPTH, pos, rff, dfs, dfs:PREEMPTIONS or dfs:all)", s)
}

// Shard makes the exploration explore its share only, the i-th of n
// (counting from 0): n explorations with the same options, shards 0 to n-1,
// together explore what one would, so a CI matrix can split the work.
// Strategies that draw runs at random split the runs (run r belongs to
// shard r mod n); exhaustive search splits its tree by the first
// decisions. The -interleave.shard=i/n flag does the same.
func Shard(i, n int) Option {
	return optionFunc(func(c *config) error {
		if n < 1 || i < 0 || i >= n {
			return fmt.Errorf("Shard(%d, %d): want 0 <= i < n", i, n)
		}
		c.shard, c.shards = i, n
		return nil
	})
}

// CheckShard reports whether s is a shard as -interleave.shard takes it.
func CheckShard(s string) error {
	_, _, err := parseShard(s)
	return err
}

// parseShard reads i/n.
func parseShard(s string) (int, int, error) {
	var i, n int
	if k, err := fmt.Sscanf(s, "%d/%d", &i, &n); err != nil || k != 2 || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("shard %q: want i/n with 0 <= i < n", s)
	}
	return i, n, nil
}

// A Summary describes an exploration once it is over; see Summarize.
type Summary struct {
	Strategy  string // the strategy and its parameters
	Runs      int    // runs made
	Schedules int    // distinct schedules explored (for exhaustive search)
	Pruned    int    // runs ended early as repeats (exhaustive search)
	// Exhaustive reports that every schedule was explored: the search
	// covered its tree, and no run left a choice to chance (Sampled,
	// Unchosen). Schedules that need a ready goroutine held back longer
	// than the latency (Held) are outside every exploration.
	Exhaustive bool
	Failed     bool // a run failed
	// Sampled counts draws of math/rand taken from the run's source rather
	// than chosen (rand.Float64, rand.Intn(n) for n > 16), Unchosen the
	// choices made by the fair scheduler past the explored window
	// (MaxSteps/10), Held the points at which a timer could have fired had
	// a ready goroutine been held back longer than the latency; over all
	// runs.
	Sampled, Unchosen, Held int
	// Steps counts the scheduling steps of all runs (each goroutine's
	// transition and each timer firing).
	Steps int
	// Cut reports that a run was cut short, the time being spent (the
	// budget, or the test's timeout): it counts in Runs and Steps but was
	// not explored to its end.
	Cut bool
}

// Summarize fills *s when the exploration ends.
func Summarize(s *Summary) Option {
	return optionFunc(func(c *config) error {
		if s == nil {
			return errors.New("Summarize(nil): a *Summary is required")
		}
		c.summary = s
		return nil
	})
}
