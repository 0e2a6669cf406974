package harness

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/interleave-go/interleave/harness/internal/flight"
)

// The test flags of interleave. They are registered when a test binary
// imports harness, and set the defaults of every Explore in the binary;
// options given to Explore win over them, except -interleave.replay, which
// wins over everything so that a printed replay line always replays.
var (
	flagReplay   = flag.String("interleave.replay", "", "replay the schedule `token` of a failure instead of exploring")
	flagRuns     = flag.Int("interleave.runs", 0, "default number of runs per exploration")
	flagTime     = flag.Duration("interleave.time", 0, "default time budget per exploration")
	flagSeed     = flag.Uint64("interleave.seed", 0, "default seed of the exploration strategies")
	flagStrategy = flag.String("interleave.strategy", "", "default strategy: portfolio, random, pct, pct:DEPTH, pos, rff, dfs, dfs:PREEMPTIONS, dfs:all")
	flagMaxSteps = flag.Int("interleave.maxsteps", 0, "default step limit per run")
	flagWatchdog = flag.Duration("interleave.watchdog", 0, "default watchdog duration")
	flagLatency  = flag.Duration("interleave.latency", -1, "default latency: how long a ready goroutine may wait for its turn while timers fire")
	flagVerbose  = flag.Bool("interleave.v", false, "log a summary of every exploration")
	flagCommand  = flag.String("interleave.command", "", "the command that replays a test, as the interleave tool sets it")
	flagShrink   = flag.Bool("interleave.shrink", true, "shrink a failing schedule before reporting it")
	flagShard    = flag.String("interleave.shard", "", "explore only share `i/n` of the schedules")
	flagFindings = flag.String("interleave.findings", "", "write each finding as JSON into `dir`")
	flagStats    = flag.String("interleave.stats", "", "append each exploration's run count and coverage of conflicting pairs to `file` (interleave fuzz)")
	flagExplored = flag.String("interleave.explored", "", "append a line for each exploration (package, test, runs) to `file` (interleave test's summary)")
	flagSave     = flag.Bool("interleave.save", false, "write each new finding into the package's corpus, testdata/interleave/<Test>/<id>")
	flagCorpus   = flag.Bool("interleave.corpus", true, "replay the findings of testdata/interleave before exploring")
	flagCwd      = flag.String("interleave.cwd", "", "the directory the interleave tool ran in, for replay lines")
	flagFlight   = flag.String("interleave.flight", "", "keep the run in progress in a file in `dir`, for the interleave tool to report should the test binary die")
	flagFresh    = flag.Bool("interleave.fresh", false, "this binary replays a finding for its parent in a fresh process (internal)")
	flagArgs     = flag.String("interleave.args", "", "the go test flags the interleave tool was given, shell-quoted, for replay lines")
)

// flightRecorder is the process's flight record (-interleave.flight), nil
// without the flag. Explorations are serialized, so one suffices.
var flightRecorder = sync.OnceValue(func() *flight.Recorder {
	if *flagFlight == "" {
		return nil
	}
	rec, err := flight.Open(*flagFlight)
	if err != nil {
		fmt.Fprintf(os.Stderr, "interleave: -interleave.flight: %v\n", err)
		return nil
	}
	return rec
})

// The environment variables harness reads: envReplay, a token to replay;
// envExplorer, set by an exploring test binary for the processes it starts.
const (
	envReplay   = "INTERLEAVE_REPLAY"
	envExplorer = "INTERLEAVE_EXPLORER_PID"
)

// subprocess reports whether this test binary was started by a test of
// an exploring run of the same binary (a test that runs its own binary
// again, as tests of crashes do): its tests then run once, unexplored, as
// under go test, unless the interleave tool itself started it. An
// exploring binary names itself in the environment of what it starts;
// another test binary (a go test that a test runs) explores as usual.
var subprocess = sync.OnceValue(func() bool {
	self, err := os.Executable()
	if err != nil {
		return false
	}
	mark := strconv.Itoa(os.Getpid()) + ":" + self
	if parent := os.Getenv(envExplorer); parent != "" && parent != mark && *flagCommand == "" && replayToken("") == "" {
		if _, exe, _ := strings.Cut(parent, ":"); exe == self {
			return true
		}
	}
	os.Setenv(envExplorer, mark)
	return false
})

// fromFlags applies the command line to c.
func (c *config) fromFlags() error {
	if *flagRuns < 0 || *flagMaxSteps < 0 || *flagTime < 0 || *flagWatchdog < 0 {
		return fmt.Errorf("negative -interleave.runs, -interleave.time, -interleave.maxsteps or -interleave.watchdog")
	}
	if *flagRuns > 0 {
		c.runs = *flagRuns
	}
	if *flagTime > 0 {
		c.time = *flagTime
	}
	if *flagMaxSteps > 0 {
		c.maxSteps = *flagMaxSteps
	}
	if *flagWatchdog > 0 {
		c.watchdog = *flagWatchdog
	}
	if *flagLatency >= 0 {
		c.latency = *flagLatency
	}
	c.seed = *flagSeed
	if *flagStrategy != "" {
		s, err := ParseStrategy(*flagStrategy)
		if err != nil {
			return fmt.Errorf("-interleave.strategy: %v", err)
		}
		c.strategy = s
	}
	c.verbose = *flagVerbose
	if *flagShard != "" {
		i, n, err := parseShard(*flagShard)
		if err != nil {
			return fmt.Errorf("-interleave.shard: %v", err)
		}
		c.shard, c.shards = i, n
	}
	return nil
}

// replayToken returns the token to replay from the flag or the
// environment, which take precedence over the Replay option.
func replayToken(fromOption string) string {
	if *flagReplay != "" {
		return *flagReplay
	}
	if tok := os.Getenv(envReplay); tok != "" {
		return tok
	}
	return fromOption
}
