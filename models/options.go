package models

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/interleave-go/interleave/harness"
)

// An Option configures a linearizability check (Record, CheckHistory) or
// a state-machine test (CheckStateMachine, RunProgram). An option given
// where it does not apply is an error.
type Option interface {
	apply(*config) error
}

// config holds the settings of a check; every default is set in
// defaultConfig.
type config struct {
	scope   scope
	timeout time.Duration
	dir     string
	name    string // the test, for the visualization's file name

	programs   int
	goroutines int
	ops        int
	runs       int
	seed       int64
	explore    []harness.Option
}

// scope says what an option or a caller is about.
type scope int

const (
	scopeCheck        scope = 1 << iota // a linearizability check
	scopeStateMachine                   // generated programs
)

func defaultConfig(s scope) config {
	return config{
		scope:      s,
		timeout:    10 * time.Second,
		dir:        filepath.Join(os.TempDir(), "interleave-linearizability"),
		programs:   30,
		goroutines: 3,
		ops:        4,
		runs:       200,
		seed:       1,
	}
}

// newConfig applies opts for a caller of the given scope.
func newConfig(s scope, opts []Option) (config, error) {
	c := defaultConfig(s)
	for _, o := range opts {
		if err := o.apply(&c); err != nil {
			return c, err
		}
	}
	return c, nil
}

type option struct {
	name  string
	scope scope // where it applies
	set   func(*config) error
}

func (o option) apply(c *config) error {
	if o.scope&c.scope == 0 {
		return fmt.Errorf("models: %s applies to CheckStateMachine and RunProgram only", o.name)
	}
	return o.set(c)
}

// Timeout bounds the time a linearizability check may take; the default
// is 10s. A check that runs out of it is Unknown, which fails the run: it
// is not a finding, but it is not a pass either.
func Timeout(d time.Duration) Option {
	return option{"Timeout", scopeCheck | scopeStateMachine, func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("models: Timeout(%v): the time budget must be positive", d)
		}
		c.timeout = d
		return nil
	}}
}

// VisualizationDir sets the directory where a history that is not
// linearizable is drawn, as porcupine's HTML page; the default is
// interleave-linearizability under os.TempDir().
func VisualizationDir(dir string) Option {
	return option{"VisualizationDir", scopeCheck | scopeStateMachine, func(c *config) error {
		if dir == "" {
			return fmt.Errorf("models: VisualizationDir(\"\"): a directory is required")
		}
		c.dir = dir
		return nil
	}}
}

// Programs sets how many programs CheckStateMachine generates and
// explores, unless one fails first; the default is 30.
func Programs(n int) Option {
	return option{"Programs", scopeStateMachine, func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("models: Programs(%d): the number of programs must be positive", n)
		}
		c.programs = n
		return nil
	}}
}

// Goroutines sets the most goroutines a generated program has; the
// default is 3. Programs have at least two, and shrinking may leave one.
func Goroutines(n int) Option {
	return option{"Goroutines", scopeStateMachine, func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("models: Goroutines(%d): the number of goroutines must be positive", n)
		}
		c.goroutines = n
		return nil
	}}
}

// OpsPerGoroutine sets the most operations a goroutine of a generated
// program makes; the default is 4.
func OpsPerGoroutine(n int) Option {
	return option{"OpsPerGoroutine", scopeStateMachine, func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("models: OpsPerGoroutine(%d): the number of operations must be positive", n)
		}
		c.ops = n
		return nil
	}}
}

// RunsPerProgram sets how many runs each program is explored for; the
// default is 200. Shrinking explores each smaller candidate as long.
func RunsPerProgram(n int) Option {
	return option{"RunsPerProgram", scopeStateMachine, func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("models: RunsPerProgram(%d): the number of runs must be positive", n)
		}
		c.runs = n
		return nil
	}}
}

// Seed sets the seed programs are generated from; the default is 1. The
// same seed generates, explores and shrinks the same programs.
func Seed(s int64) Option {
	return option{"Seed", scopeStateMachine, func(c *config) error {
		c.seed = s
		return nil
	}}
}

// ExploreWith adds options to every exploration of a program: a strategy,
// a step limit, AllowDeadlock... Runs is set by RunsPerProgram, and Replay
// only makes sense for RunProgram.
func ExploreWith(opts ...harness.Option) Option {
	return option{"ExploreWith", scopeStateMachine, func(c *config) error {
		c.explore = append(c.explore, opts...)
		return nil
	}}
}
