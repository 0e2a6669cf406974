package harness

import (
	"errors"
	"fmt"
	"time"

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
	watchdog time.Duration
	replay   string
	verbose  bool

	visibleHandoff bool
}

func defaultConfig() config {
	return config{
		runs:     1000,
		time:     10 * time.Second,
		strategy: PCT(3),
		maxSteps: 100_000,
		watchdog: time.Second,
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

// Strategy sets how schedules are chosen; the default is PCT(3).
func Strategy(s StrategySpec) Option {
	return optionFunc(func(c *config) error {
		if s == nil {
			return errors.New("Strategy(nil): a strategy is required")
		}
		c.strategy = s
		return nil
	})
}

// MaxSteps sets how many scheduling steps a run may take before it fails
// as a livelock (kind step-limit); the default is 100,000.
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

// parseStrategy reads a strategy as the -interleave.strategy flag and the
// interleave command spell it: random, pct, pct:N.
func parseStrategy(s string) (StrategySpec, error) {
	switch s {
	case "random":
		return Random(), nil
	case "pct":
		return PCT(3), nil
	}
	var d int
	if n, err := fmt.Sscanf(s, "pct:%d", &d); err == nil && n == 1 && d >= 1 {
		return PCT(d), nil
	}
	return nil, fmt.Errorf("unknown strategy %q (want random, pct or pct:DEPTH)", s)
}
