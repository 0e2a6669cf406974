package harness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interleave-go/interleave/harness/internal/engine"
	"github.com/interleave-go/interleave/harness/internal/flight"
	"github.com/interleave-go/interleave/harness/internal/strategy"
	"github.com/interleave-go/interleave/harness/internal/token"
	"github.com/interleave-go/interleave/harness/report"
)

// Explore runs body many times, each time as goroutine 0 of a run whose
// goroutines take turns by a schedule the strategy chooses, until a run
// fails or the budget (Runs, Time) is spent. A failing run is reported
// through t with the kind of failure, the trace of the run, the state of
// every goroutine and a line that replays it.
//
// body must be deterministic apart from the schedule: each run must start
// from fresh state (build the objects under test inside body) and not
// depend on wall-clock time, randomness or goroutines outside the run, or
// replays will not reproduce failures.
func Explore(t testing.TB, body func(t *T), opts ...Option) {
	t.Helper()
	if subprocess() {
		once(t, body)
		return
	}
	e := newExploration(t, opts)
	if e == nil {
		return
	}
	e.watchOutside(t)
	defer e.close()
	e.runBody = func(s engine.Strategy, p engine.RunParams) *engine.Result {
		return e.runT(s, p, t.Name(), body)
	}
	e.start()
}

// once runs body a single time, unexplored, in the calling goroutine, and
// reports what it reported through t: an exploration in a test binary
// that an explored test started (see subprocess).
func once(t testing.TB, body func(*T)) {
	t.Helper()
	tt := &T{name: t.Name()}
	done := make(chan struct{})
	go func() { // T's Fatal ends the goroutine, as testing.T's does
		defer close(done)
		body(tt)
	}()
	<-done
	res := &engine.Result{}
	tt.collect(res)
	for _, m := range res.Messages {
		if m.Error {
			t.Error(m.Text)
		} else {
			t.Log(m.Text)
		}
	}
	if err := tt.verify(); err != nil {
		t.Error(err)
	}
}

// runT runs body once with a fresh T, then the checks it registered.
func (e *exploration) runT(s engine.Strategy, p engine.RunParams, name string, body func(*T)) *engine.Result {
	tt := &T{name: name}
	res := e.x.Run(s, p, func() { body(tt) })
	tt.collect(res)
	if res.Failure != nil && e.cfg.allowed[res.Failure.Kind] {
		res.Failure = nil // a deadlock or leak the test allows
	}
	if res.Failure == nil {
		if err := tt.verify(); err != nil {
			res.Failure = &engine.Failure{Kind: engine.KindInvariant, G: -1, Step: res.Steps, Message: err.Error()}
		}
	}
	return res
}

// ExploreTest explores the body of a test function that takes the test's
// own *testing.T: `interleave test` rewrites func TestX(t *testing.T) {
// ... } into func TestX(t *testing.T) { harness.ExploreTest(t, func(t
// *testing.T) { ... }) }. A run fails when it makes t fail (t.Error,
// t.Fatal, require); the test's own messages are printed as the testing
// package prints them, followed by the report of the failing run. A body
// that calls harness.Explore itself is run once, unexplored, and explores
// as it says.
func ExploreTest(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	if subprocess() {
		body(t) // a test binary started by an explored test: go test's run
		return
	}
	e := newExploration(t, nil)
	if e == nil {
		return
	}
	e.watchOutside(t)
	defer e.close()
	nested := false
	e.runBody = func(s engine.Strategy, p engine.RunParams) *engine.Result {
		failed := t.Failed()
		p.Quiet = e.quiet
		res := e.x.Run(s, p, func() {
			defer runCleanups()
			body(t)
		})
		if f := res.Failure; f != nil && f.Kind == engine.KindPanic && f.Value == errNestedExplore {
			nested = true
			res.Failure = nil
		}
		if (t.Failed() && !failed || p.Quiet && hasError(res)) && (res.Failure == nil || res.Failure.Kind == engine.KindLeak) {
			res.Failure = &engine.Failure{Kind: engine.KindAssertion, G: 0, Message: "the test failed (its messages are above)"}
			for _, m := range res.Messages {
				if m.Error {
					// What `interleave test` kept of t.Errorf & co.
					res.Failure.Message, res.Failure.G = m.Text, m.G
					break
				}
			}
		}
		return res
	}
	e.stop = func() bool { return nested || t.Skipped() }
	e.sticky = true
	e.start()
	if nested {
		body(t)
	}
}

// TestParallel is t.Parallel() in a test that `interleave test`
// rewrites. Outside a run it is t.Parallel. Inside one (a t.Parallel that
// is not the first statement of a test, which the tool moves out of the
// explored body) it does nothing: t.Parallel waits for the parent test to
// finish its sequential part, which would hold the run for ever; the test
// runs sequentially instead.
func TestParallel(t interface{ Parallel() }) {
	if r, _ := engine.Current(); r != nil {
		return
	}
	t.Parallel()
}

// TestRun is t.Run(name, f) in a test that `interleave test` rewrites,
// where f is Explored(...) or ExploredParallel(...). Called from a test's
// own goroutine it is t.Run. Called from inside a run (the body of an
// explored test calls a helper that runs subtests), it must not run the
// subtest: t.Run would wait for testing's goroutine, which the run does
// not control, and the subtest would explore while its parent's run
// holds the harness. It then ends the run as a nested exploration does:
// the parent's body runs once, unexplored, and its subtests explore.
func TestRun(t *testing.T, name string, f func(t *testing.T)) bool {
	t.Helper()
	if r, _ := engine.Current(); r != nil {
		panic(errNestedExplore)
	}
	return t.Run(name, f)
}

// Explored returns a subtest function that explores f: t.Run(name, f)
// becomes t.Run(name, harness.Explored(f)) in tests that `interleave
// test` rewrites.
func Explored(f func(t *testing.T)) func(t *testing.T) {
	return func(t *testing.T) {
		t.Helper()
		ExploreTest(t, f)
	}
}

// ExploredParallel is Explored for a subtest that calls t.Parallel first:
// `interleave test` moves that call out of f, since inside an exploration
// it would wait for the parent test, which waits for the subtest.
func ExploredParallel(f func(t *testing.T)) func(t *testing.T) {
	return func(t *testing.T) {
		t.Helper()
		t.Parallel()
		ExploreTest(t, f)
	}
}

// errNestedExplore is the panic of an Explore called inside a run.
var errNestedExplore = &nestedExplore{}

type nestedExplore struct{}

func (*nestedExplore) Error() string { return "harness.Explore called from inside an exploration" }

// newExploration reads the settings of an exploration; it reports a bad
// setting through t and returns nil.
func newExploration(t testing.TB, opts []Option) *exploration {
	t.Helper()
	if r, _ := engine.Current(); r != nil {
		panic(errNestedExplore)
	}
	if !engine.Instrumented() {
		t.Fatal(notInstrumented)
		return nil
	}
	cfg := defaultConfig()
	if err := cfg.fromFlags(); err != nil {
		t.Fatalf("interleave: %v", err)
		return nil
	}
	for _, o := range opts {
		if err := o.apply(&cfg); err != nil {
			t.Fatalf("interleave: %v", err)
			return nil
		}
	}
	x, err := engine.NewExplorer(cfg.engine())
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	return &exploration{t: t, cfg: cfg, x: x, pkg: callerPackage(), epoch: startEpoch()}
}

// engine returns the engine's settings.
func (c *config) engine() engine.Config {
	return engine.Config{MaxSteps: c.maxSteps, ExploreSteps: c.window, Watchdog: c.watchdog, Latency: c.latency,
		Coverage: *flagStats != "", VisibleHandoff: c.visibleHandoff, Flight: flightRecorder()}
}

func (e *exploration) close() { e.x.Close() }

// schedule is what the token of a run of this exploration holds: its
// decisions and every setting besides them that shapes the run.
func (e *exploration) schedule(p engine.RunParams, decisions []engine.Decision) token.Schedule {
	c := e.cfg.engine()
	return token.Schedule{Test: token.TestHash(e.t.Name()), Seed: p.Seed, Epoch: p.Epoch.Unix(),
		Latency: e.cfg.latency, MaxSteps: e.cfg.maxSteps, Window: c.Window(), Decisions: decisions}
}

// adopt makes the exploration's runs use the settings a token carries, so
// that it replays as it was found whatever the flags and options now.
func (e *exploration) adopt(s token.Schedule) error {
	if !s.Params || s.MaxSteps <= 0 {
		return nil // a version 1 token: the settings given
	}
	c := e.cfg
	c.latency, c.maxSteps, c.window = s.Latency, s.MaxSteps, s.Window
	return e.use(c)
}

// use makes the exploration run with settings c.
func (e *exploration) use(c config) error {
	if c.engine() == e.cfg.engine() {
		e.cfg = c
		return nil
	}
	x, err := engine.NewExplorer(c.engine())
	if err != nil {
		return err
	}
	e.x.Close()
	e.cfg, e.x = c, x
	return nil
}

type exploration struct {
	quiet   bool // the test has failed: later runs keep its reports to themselves
	t       testing.TB
	cfg     config
	x       *engine.Explorer
	pkg     string
	runBody func(s engine.Strategy, p engine.RunParams) *engine.Result
	epoch   time.Time   // the virtual clock's start in every run
	stop    func() bool // reports that the exploration must end early
	sticky  bool        // failures are the test's own, seen once (ExploreTest)
	hard    time.Time   // when a run is cut short, not to outlive the timeout (hardStop)
}

func (e *exploration) start() {
	e.t.Helper()
	// Explorations take turns (parallel tests wait here): each has its
	// budget to itself.
	defer engine.Exclusive()()
	rec := flightRecorder()
	rec.Explore(e.t.Name(), e.replayLine(flight.TokenMark))
	defer rec.Done()
	defer exploring(e.t.Name())()
	if tok := replayToken(e.cfg.replay); tok != "" {
		e.replay(tok)
		return
	}
	if *flagCorpus && e.replayCorpus() {
		return
	}
	e.explore()
}

// nextSecond is the first whole second after t: the virtual clock of an
// exploration starts there, at a time a token can carry (whole seconds),
// and after every reading of the real clock made before it began (a cache
// or a breaker the test made outside the explored body, with its own
// timestamps): started before them, it would run backwards.
func nextSecond(t time.Time) time.Time { return t.Truncate(time.Second).Add(time.Second) }

// startEpoch is where the virtual clock of an exploration begun now
// starts: the next second after the real clock and after the latest time
// an earlier run's virtual clock reached (a subtest's run that opened a
// breaker of its parent's, read by the next subtest's runs).
func startEpoch() time.Time {
	now := time.Now()
	if v := engine.LatestVirtual(); v.After(now) {
		now = v
	}
	return nextSecond(now)
}

// replayEpoch is the virtual clock's start in a replay of a token that
// recorded epoch: the same, unless it comes before startEpoch (the token
// is replayed in a later process, whose test made its objects after it),
// and then startEpoch, for the reason nextSecond gives.
// Code that reads durations, as code does, runs the same either way.
func replayEpoch(epoch int64) time.Time {
	e, start := time.Unix(epoch, 0), startEpoch()
	if e.Before(start) {
		return start
	}
	return e
}

// runSeed is the seed of the program's own randomness in run number run.
func (e *exploration) runSeed(run int) uint64 {
	x := e.cfg.seed ^ (uint64(run)+1)*0x9e3779b97f4a7c15
	x ^= x >> 31
	x *= 0xbf58476d1ce4e5b9
	return x ^ x>>29
}

func (e *exploration) explore() {
	e.t.Helper()
	s := e.cfg.strategy.newStrategy(e.cfg.seed)
	step := 1 // runs of other shards are skipped
	if e.cfg.shards > 1 {
		if dfs, ok := s.(interface{ SetShard(int, int) }); ok {
			dfs.SetShard(e.cfg.shard, e.cfg.shards)
		} else {
			step = e.cfg.shards
		}
	}
	start := time.Now()
	hard := e.hardStop(start)
	e.hard = hard
	sum := Summary{Strategy: s.Name()}
	stopped := false // by a failure that is the test's, said already
	defer func() {
		if dfs, ok := s.(interface{ Schedules() (int, int) }); ok {
			sum.Schedules, sum.Pruned = dfs.Schedules()
		}
		if c, ok := s.(interface{ Complete() bool }); ok && c.Complete() {
			sum.Exhaustive = sum.Sampled == 0 && sum.Unchosen == 0 && !sum.Cut
		}
		e.t.Helper()
		if e.cfg.summary != nil {
			*e.cfg.summary = sum
		}
		e.writeStats(sum.Runs)
		e.writeExplored(sum.Runs, sum.Failed)
		if sum.Failed || stopped {
			return
		}
		took := time.Since(start).Round(time.Millisecond)
		if sum.Cut && sum.Runs == 1 {
			// Not one run reached its end: nothing was explored, and a
			// pass would say otherwise. go test fails a test that times
			// out; so does this, without losing the tests after it.
			e.t.Errorf("interleave: the first run was cut short after %v and %d steps, before the test's timeout (%s): the test is too long to explore in the time given (raise -timeout, or shorten the test)", took, sum.Steps, e.hardName())
			return
		}
		if sum.Cut {
			e.t.Logf("interleave: %s (%d steps a run) in %v, no failure (%s); the last run was cut short when the time budget (%v) was spent, and is not counted as explored", plural(sum.Runs-1, "run"), sum.Steps/sum.Runs, took, s.Name(), e.cfg.time)
			return
		}
		switch {
		case sum.Exhaustive && sum.Held > 0:
			e.t.Logf("interleave: exhaustive within %s: %s, no failure (%s, %s); schedules in which a goroutine able to go on waits longer while timers fire were not explored (-interleave.latency)",
				latencyName(e.cfg.latency), plural(sum.Schedules, "schedule"), s.Name(), took)
		case sum.Exhaustive:
			e.t.Logf("interleave: exhaustive: %s, no failure (%s, %s)", plural(sum.Schedules, "schedule"), s.Name(), took)
		case sum.Schedules > 0 && (sum.Sampled > 0 || sum.Unchosen > 0):
			e.t.Logf("interleave: %s, no failure, but not exhaustive: %s (%s)", plural(sum.Schedules, "schedule"), unexplored(sum), s.Name())
		case sum.Schedules > 0:
			e.t.Logf("interleave: %s, no failure; stopped by the budget before covering every schedule (%s)", plural(sum.Schedules, "schedule"), s.Name())
		case e.cfg.verbose:
			e.t.Logf("interleave: %s (%d steps a run) in %v, no failure (%s)", plural(sum.Runs, "run"), sum.Steps/max(sum.Runs, 1), took, s.Name())
		}
	}()
	for run := e.cfg.shard % step; run < e.cfg.runs; run += step {
		if sum.Runs > 0 && time.Since(start) >= e.cfg.time {
			break
		}
		if !s.BeginRun(run) {
			break
		}
		sum.Runs++
		params := engine.RunParams{Seed: e.runSeed(run), Epoch: e.epoch, Index: run, Until: hard}
		if sum.Runs > 1 {
			// A run begun within the budget may take as long again to end;
			// past that it is cut, and the exploration stops.
			params.Until = earliest(hard, start.Add(2*e.cfg.time))
		}
		res := e.runBody(s, params)
		sum.Sampled += res.Sampled
		sum.Unchosen += res.Unchosen
		sum.Held += res.Held
		sum.Steps += res.Steps
		if res.Cut {
			sum.Cut = true
			return
		}
		if res.Failure != nil {
			switch e.report(res, params, fmt.Sprintf("run %d of %d, %s", run+1, e.cfg.runs, s.Name())) {
			case transient:
				continue
			case rerun:
				stopped = true
				return
			}
			sum.Failed = true
			return
		}
		if e.stop != nil && e.stop() {
			return
		}
		if res.Choices == 0 && !res.Pruned && res.Sampled == 0 && res.Unchosen == 0 {
			// No choice was made, none left to chance: every run would be
			// this one.
			sum.Exhaustive, sum.Schedules = true, 1
			return
		}
	}
}

// hardStop is when a run of an exploration begun at start is cut short so
// that the test does not outlive its timeout: the binary's deadline
// (go test -timeout, t.Deadline) or the exploration's own
// (-interleave.timeout, which interleave test sets), less a margin for
// ending the run and reporting. Zero if neither is set.
func (e *exploration) hardStop(start time.Time) time.Time {
	margin := func(d time.Duration) time.Duration { return min(max(d/20, time.Second), 30*time.Second) }
	var hard time.Time
	if flagTimeout > 0 {
		hard = start.Add(flagTimeout - margin(flagTimeout))
	}
	if d, ok := e.t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			hard = earliest(hard, dl.Add(-margin(time.Until(dl))))
		}
	}
	return hard
}

// hardName names the timeout that hardStop keeps to.
func (e *exploration) hardName() string {
	if flagTimeout > 0 {
		return fmt.Sprintf("-timeout %v, for each exploration", flagTimeout)
	}
	return "go test -timeout"
}

// earliest is the earlier of two times, zero standing for none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// latencyName says which latency a run had.
func latencyName(d time.Duration) string {
	if d < 0 {
		return "the automatic latency (late wakes of up to ten times a sleep)"
	}
	return "a latency of " + d.String()
}

// unexplored says what an exploration left to chance.
func unexplored(sum Summary) string {
	var parts []string
	if sum.Sampled > 0 {
		parts = append(parts, fmt.Sprintf("%s of math/rand sampled, not enumerated (only rand.Intn(n) and the like with n <= %d are)", plural(sum.Sampled, "draw"), engine.DrawLimit))
	}
	if sum.Unchosen > 0 {
		parts = append(parts, fmt.Sprintf("%s past the explored window scheduled fairly, not explored (raise -interleave.maxsteps: the window is a tenth of it)", plural(sum.Unchosen, "choice")))
	}
	return strings.Join(parts, "; ")
}

// An outcome is what became of a failed run.
type outcome uint8

const (
	reported  outcome = iota // reported through the test
	transient                // not a finding (a watchdog firing that does not replay): explore on
	rerun                    // the failure comes from earlier runs in this process: stop, quietly
)

// report shrinks a failed run's schedule, replays it with tracing and
// reports it.
func (e *exploration) report(res *engine.Result, params engine.RunParams, where string) outcome {
	e.t.Helper()
	decisions := slices.Clone(res.Decisions) // the runs below reuse the buffer
	// The runs below replay the failure: with the test's own messages
	// kept (ExploreTest), they can tell a failing run from a passing one
	// although the test as a whole has failed already.
	e.quiet = e.sticky && hasError(res)
	params.Replaying = true // the test's log was printed by the run that failed
	params.Until = e.hard   // not the budget's: the failure is worth its replays, within the timeout
	switch kind := res.Failure.Kind; {
	case !*flagShrink, kind == engine.KindWatchdog, kind == engine.KindAssertion && e.sticky && !e.quiet:
		// Not shrunk: a stuck run takes the watchdog's time, and a
		// testing.T that failed stays failed.
	default:
		if sh := e.shrink(decisions, params, res.Failure); sh.runs > 0 && (sh.toPre < sh.fromPre || sh.toSteps < sh.fromSteps || sh.toDraws < sh.fromDraws) {
			decisions = sh.decisions
			where += fmt.Sprintf("; shrunk from %s, %s to %s, %s in %s",
				plural(sh.fromSteps, "step"), plural(sh.fromPre, "preemption"),
				plural(sh.toSteps, "step"), plural(sh.toPre, "preemption"), plural(sh.runs, "run"))
			if sh.toDraws < sh.fromDraws {
				where += fmt.Sprintf(", the values drawn from math/rand lowered from a total of %d to %d", sh.fromDraws, sh.toDraws)
			}
		}
	}
	sched := e.schedule(params, decisions)
	tok := token.Encode(sched)
	rs := strategy.NewReplay(decisions)
	rs.BeginRun(0)
	params.Trace = true
	traced := e.runBody(rs, params)
	switch {
	case traced.Cut:
		// The time ran out before the replay ended (a run of millions of
		// steps found near the timeout): it proves nothing either way;
		// the run that failed is the report.
		e.emit(res.Failure, res, where+"; its traced replay was cut short by the time limit, so the trace is the failing run's own", tok)
		return reported
	case res.Failure.Kind == engine.KindWatchdog && (traced.Failure == nil || traced.Failure.Kind != engine.KindWatchdog):
		// The watchdog's mistake, not the test's: what it waited for
		// ended (a busy machine, a slow wait outside the run).
		e.t.Logf("interleave: in %s the watchdog fired (%s), but the replay of its schedule did not get stuck: not a finding", where, res.Failure.Message)
		return transient
	case res.Failure.Kind == engine.KindRace && sameFailure(res.Failure, traced.Failure):
		// The replay showed the race again (interleave test -race has the
		// detector report every race, not once a process).
	case res.Failure.Kind == engine.KindRace, res.Failure.Kind == engine.KindAssertion && e.sticky && !e.quiet:
		// The replay shows the schedule; the first run holds the failure:
		// the detector reports a race once a process unless told
		// otherwise, a testing.T that failed stays failed.
		e.emit(res.Failure, traced, where, tok)
		return reported
	case traced.Failure == nil || traced.Failure.Kind != res.Failure.Kind:
		if e.sticky && !e.freshFails(tok, res.Failure.Kind) {
			e.notRerunnable(res.Failure, where)
			return rerun
		}
		f := &engine.Failure{Kind: engine.KindNondeterminism, G: -1,
			Message: fmt.Sprintf("a run failed at step %d (%s: %s), but its schedule replayed %s: the test body depends on something besides the schedule (time, randomness, map order, goroutines outside the run)",
				res.Failure.Step, res.Failure.Kind, res.Failure.Message, replayOutcome(traced, rs))}
		e.emit(f, res, where, tok)
		return reported
	}
	if e.sticky && !e.freshFails(tok, res.Failure.Kind) {
		e.notRerunnable(res.Failure, where)
		return rerun
	}
	if traced.Hold != nil && e.cfg.latency != 0 && !*flagFresh {
		// The schedule holds a goroutine that could go on while the clock
		// moves (a fixed latency, or the automatic one's late wakes). If
		// the failure shows without any such wait, that run is the one to
		// report: a logic bug, not a timing assumption.
		if again, p, ok := e.findWithoutHolds(res.Failure); ok {
			return e.report(again, p, where+"; found again with -latency=0, in which no goroutine that can go on waits while a timer fires")
		}
	}
	e.emit(traced.Failure, traced, where, tok)
	return reported
}

// findWithoutHolds explores for a while with a latency of 0 and returns a
// run that fails as orig did, if it finds one. The exploration's settings
// are those of before on return, but for the latency, which a run it
// returns needs.
func (e *exploration) findWithoutHolds(orig *engine.Failure) (*engine.Result, engine.RunParams, bool) {
	before := e.cfg
	c := e.cfg
	c.latency = 0
	if err := e.use(c); err != nil {
		return nil, engine.RunParams{}, false
	}
	s := e.cfg.strategy.newStrategy(e.cfg.seed ^ 0x6c6174656e6379)
	deadline := time.Now().Add(2 * time.Second)
	for run := 0; run < 300 && time.Now().Before(deadline) && s.BeginRun(run); run++ {
		p := engine.RunParams{Seed: e.runSeed(run), Epoch: e.epoch, Index: run, Until: earliest(e.hard, deadline)}
		res := e.runBody(s, p)
		if sameFailure(orig, res.Failure) {
			p.Until = e.hard // its replays may take as long as it did
			return res, p, true
		}
	}
	e.use(before)
	return nil, engine.RunParams{}, false
}

// replayOutcome says how a replay that did not fail as its run did went:
// the evidence of nondeterminism.
func replayOutcome(res *engine.Result, rs *strategy.Replay) string {
	switch f := res.Failure; {
	case f != nil && f.Kind == engine.KindNondeterminism:
		return "differently: " + f.Message
	case f != nil:
		return fmt.Sprintf("to another failure at step %d (%s: %s)", f.Step, f.Kind, f.Message)
	}
	return fmt.Sprintf("and passed (%s, following %d of its decisions)", plural(res.Steps, "step"), rs.Consumed())
}

// notRerunnable says why a test's failure is not reported.
func (e *exploration) notRerunnable(f *engine.Failure, where string) {
	e.t.Helper()
	e.t.Logf("interleave: in %s the test failed (%s: %s), but the same schedule passes in a fresh process: "+
		"the failure comes from what earlier runs of the test left behind in this one (package state: a registry, "+
		"a global set once), as go test -count=2 would show; interleave runs a test many times in one process, "+
		"so this test is explored no further", where, f.Kind, f.Message)
}

// freshFails replays tok in a new process of this test binary and reports
// whether the failure shows there too: a failure that needs the state
// earlier runs left in this process (a second registration of a name, a
// sync.Once done) is the test's, not the schedule's. It answers true
// when it cannot tell (the binary cannot be run again).
// freshLimit bounds the fresh process of freshFails.
const freshLimit = 3 * time.Minute

func (e *exploration) freshFails(tok string, kind engine.FailKind) bool {
	if *flagFresh {
		return true // this is the fresh process
	}
	dir, err := os.MkdirTemp("", "interleave-fresh-")
	if err != nil {
		return true
	}
	defer os.RemoveAll(dir)
	args := []string{"-test.run=" + report.RunPattern(e.t.Name()), "-interleave.replay=" + tok,
		"-interleave.findings=" + dir, "-interleave.fresh", "-interleave.corpus=false"}
	for _, a := range os.Args[1:] {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "test.run", "test.v", "test.testlogfile", "test.count", "test.failfast", "test.json",
			"interleave.replay", "interleave.findings", "interleave.save", "interleave.flight", "interleave.stats", "interleave.corpus":
			continue
		}
		args = append(args, a)
	}
	// The fresh process must not outlive the test's timeout, nor hang the
	// exploration for ever (a test whose cleanup waits on what the replay
	// left): past its deadline it is killed, and says nothing.
	ctx, cancel := context.WithDeadline(context.Background(), earliest(e.hard, time.Now().Add(freshLimit)))
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	if err := cmd.Run(); ctx.Err() != nil {
		return true
	} else if err == nil {
		return false
	} else if _, ok := err.(*exec.ExitError); !ok {
		return true
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		// It failed without a finding: before it could replay (the
		// token did not reach the test) or for a reason of its own. That
		// says nothing of the schedule.
		return true
	}
	for _, path := range files {
		if f, err := report.ReadFile(path); err == nil && f.Kind == string(kind) {
			return true
		}
	}
	return false
}

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return fmt.Sprintf("%d %ss", n, s)
}

// replay runs the schedule of a token.
func (e *exploration) replay(tok string) {
	e.t.Helper()
	sched, err := token.Decode(tok)
	if err != nil {
		e.t.Fatalf("interleave: -interleave.replay: %v", err)
	}
	if sched.Test != token.TestHash(e.t.Name()) {
		if e.startsSubtests() {
			return // the token is for one of them: they replay it
		}
		e.t.Fatalf("interleave: the replay token was recorded for another test, not %s", e.t.Name())
	}
	if err := e.adopt(sched); err != nil {
		e.t.Fatalf("interleave: -interleave.replay: %v", err)
	}
	rs := strategy.NewReplay(sched.Decisions)
	rs.BeginRun(0)
	res := e.runBody(rs, engine.RunParams{Trace: true, Seed: sched.Seed, Epoch: replayEpoch(sched.Epoch)})
	if res.Failure != nil {
		e.emit(res.Failure, res, "replay", tok)
		return
	}
	if rs.Consumed() < len(sched.Decisions) {
		e.t.Errorf("interleave: nondeterminism: the replayed run passed after using %d of the token's %d decisions: the test body has changed or is not deterministic",
			rs.Consumed(), len(sched.Decisions))
		return
	}
	e.t.Logf("interleave: replayed schedule passed (%d steps)", res.Steps)
}

// startsSubtests runs the body once, as the first run of its exploration
// did, and reports whether the body started subtests from inside the run
// (a helper that calls t.Run): the exploration then ended as a nested one
// and ExploreTest runs the body again, unexplored, so that its subtests
// explore. A token recorded for one of those subtests (-run selects it)
// reaches it that way, in a replay as in the fresh process that tells a
// finding from state left behind.
func (e *exploration) startsSubtests() bool {
	if e.stop == nil {
		return false
	}
	s := e.cfg.strategy.newStrategy(e.cfg.seed)
	if !s.BeginRun(0) {
		return false
	}
	e.runBody(s, engine.RunParams{Seed: e.runSeed(0), Epoch: e.epoch, Index: 0})
	return e.stop()
}

// replayLine is the command that replays a failure. It carries whatever
// changed the run and the token does not: the race detector's build, and
// the go test flags the interleave tool was given (-interleave.args).
func (e *exploration) replayLine(tok string) string { return e.commandLine(tok) }

// commandLine is the command that runs the test again: replaying tok, if
// not "".
func (e *exploration) commandLine(tok string) string {
	run := report.RunPattern(e.t.Name())
	race := ""
	if engine.RaceEnabled() {
		race = " -race"
	}
	if *flagCommand != "" {
		line := fmt.Sprintf("%s%s -run '%s'", *flagCommand, race, run)
		if tok != "" {
			line += " -replay " + tok
		}
		line += " " + e.toolPackage()
		if *flagArgs != "" {
			line += " -- " + *flagArgs
		}
		return line
	}
	pkg := e.pkg
	if pkg == "" {
		pkg = "."
	}
	line := fmt.Sprintf("go test%s %s -run '%s'", race, pkg, run)
	if tok != "" {
		line += " -interleave.replay=" + tok
	}
	return line
}

// toolPackage is the package argument of the interleave tool's command
// lines: relative to the directory the tool ran in.
func (e *exploration) toolPackage() string {
	pkg := e.pkg
	if *flagCwd != "" {
		// go test runs a test binary in its package's directory.
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(*flagCwd, wd); err == nil {
				pkg = "./" + filepath.ToSlash(rel)
				if rel == "." {
					pkg = "."
				}
			}
		}
	}
	if pkg == "" {
		pkg = "."
	}
	return pkg
}

// callerPackage returns the import path of the package of Explore's
// caller, for the replay line.
func callerPackage() string {
	pcs := make([]uintptr, 16)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if pkg := funcPackage(f.Function); pkg != "" && pkg != "github.com/interleave-go/interleave/harness" {
			return strings.TrimSuffix(pkg, "_test")
		}
		if !more {
			return ""
		}
	}
}

func funcPackage(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return ""
	}
	return fn[:slash+1+dot]
}

// TestError is what `interleave test` makes of t.Error in an explored
// test: the run keeps the message for its report, then t.Error is called.
func TestError(t testing.TB, args ...any) {
	t.Helper()
	if noteError(sprintln(args...)) {
		t.Error(args...)
	}
}

// TestErrorf is t.Errorf in an explored test (see TestError).
func TestErrorf(t testing.TB, format string, args ...any) {
	t.Helper()
	if noteError(fmt.Sprintf(format, args...)) {
		t.Errorf(format, args...)
	}
}

// TestFatal is t.Fatal in an explored test (see TestError).
func TestFatal(t testing.TB, args ...any) {
	t.Helper()
	if noteError(sprintln(args...)) {
		t.Fatal(args...)
	}
	runtime.Goexit()
}

// TestFatalf is t.Fatalf in an explored test (see TestError).
func TestFatalf(t testing.TB, format string, args ...any) {
	t.Helper()
	if noteError(fmt.Sprintf(format, args...)) {
		t.Fatalf(format, args...)
	}
	runtime.Goexit()
}

// TestCleanup is what `interleave test` makes of t.Cleanup(f) in an
// explored test. Outside a run it is t.Cleanup. Inside one, f belongs to
// the run: it runs when the run's body ends, in the run, after the
// functions registered later (as the testing package runs cleanups after
// the test function); registered with t, it would run once the test is
// over, outside every run, as many times as there were runs, on the
// objects of runs that are gone (a pool's Close waiting for workers the
// harness tore down).
func TestCleanup(t interface{ Cleanup(func()) }, f func()) {
	r, h := engine.Current()
	if r == nil {
		t.Cleanup(f)
		return
	}
	if h.Dying() {
		return
	}
	r.AddCleanup(f)
}

// runCleanups runs, last first, the functions that TestCleanup gave the
// current run, and those they give it in turn. It is deferred by the
// body of an explored test's run.
func runCleanups() {
	r, h := engine.Current()
	if r == nil || h.Dying() {
		return
	}
	for fs := r.TakeCleanups(); len(fs) > 0; fs = r.TakeCleanups() {
		for i := len(fs) - 1; i >= 0; i-- {
			fs[i]()
		}
	}
}

// QuietT is what `interleave test` passes instead of an explored test's
// *testing.T to a function that takes it as an interface it reports
// through (testify's assert.TestingT and require.TestingT, testing.TB):
// its Error, Errorf, Fatal, Fatalf, Log and Logf are TestError and the
// others, so that a failure reported by a helper of another package is
// printed once, as the test's own t.Errorf is, and not again by every run
// that shrinks or replays it. Every other method is t's.
func QuietT(t *testing.T) *QuietTB { return &QuietTB{t} }

// A QuietTB is a test's *testing.T whose reports go through the harness
// (QuietT).
type QuietTB struct{ *testing.T }

// Error is TestError.
func (q *QuietTB) Error(args ...any) { q.T.Helper(); TestError(q.T, args...) }

// Errorf is TestErrorf.
func (q *QuietTB) Errorf(format string, args ...any) {
	q.T.Helper()
	TestErrorf(q.T, format, args...)
}

// Fatal is TestFatal.
func (q *QuietTB) Fatal(args ...any) { q.T.Helper(); TestFatal(q.T, args...) }

// Fatalf is TestFatalf.
func (q *QuietTB) Fatalf(format string, args ...any) {
	q.T.Helper()
	TestFatalf(q.T, format, args...)
}

// Log is TestLog.
func (q *QuietTB) Log(args ...any) { q.T.Helper(); TestLog(q.T, args...) }

// Logf is TestLogf.
func (q *QuietTB) Logf(format string, args ...any) { q.T.Helper(); TestLogf(q.T, format, args...) }

// TestLog is what `interleave test` makes of t.Log in an explored test:
// the first run of an exploration prints it, as go test prints the log of
// the test's one run; the others keep it in the run, for its report,
// instead of printing it once a run.
func TestLog(t testing.TB, args ...any) {
	t.Helper()
	if noteLog(sprintln(args...)) {
		t.Log(args...)
	}
}

// TestLogf is t.Logf in an explored test (see TestLog).
func TestLogf(t testing.TB, format string, args ...any) {
	t.Helper()
	if noteLog(fmt.Sprintf(format, args...)) {
		t.Logf(format, args...)
	}
}

// noteLog keeps a line of the test's log in the run and reports whether
// the test should print it too: in the first run only, and not when it
// replays or shrinks a failure.
func noteLog(text string) bool {
	r, h := engine.Current()
	if r == nil {
		return true
	}
	if h.Dying() {
		return false
	}
	r.Logf(h, text)
	return r.Index() == 0 && !r.Quiet() && !r.Replaying()
}

// noteError keeps a failed check's message in the run, for its report,
// and reports whether the test should be told too: not in the quiet runs
// that replay or shrink a failure the test has printed already.
func noteError(text string) bool {
	r, h := engine.Current()
	if r == nil {
		return true
	}
	if h.Dying() {
		return false // a goroutine being torn down: the program never gets here
	}
	r.NoteError(h, text)
	return !r.Quiet()
}

// hasError reports whether a run kept an error the test reported.
func hasError(res *engine.Result) bool {
	for _, m := range res.Messages {
		if m.Error {
			return true
		}
	}
	return false
}
