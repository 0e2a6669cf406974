package engine

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/interleave-go/interleave/harness/internal/flight"
)

// FailKind names the kind of a failure, as printed after "interleave:".
type FailKind string

// The kinds of failure a run can end with.
const (
	KindPanic          FailKind = "panic"
	KindAssertion      FailKind = "assertion"
	KindDeadlock       FailKind = "deadlock"
	KindLeak           FailKind = "leak"
	KindStepLimit      FailKind = "step-limit"
	KindWatchdog       FailKind = "watchdog"
	KindNondeterminism FailKind = "nondeterminism"
	KindRace           FailKind = "race"
	KindInvariant      FailKind = "invariant"
)

// A Failure is why a run failed.
type Failure struct {
	Kind    FailKind
	Message string // one line: what broke
	G       int    // goroutine where it happened, -1 if none in particular
	Step    int    // transitions made before it happened
	Details string // panic stack, stack of a stuck goroutine, ...
	Value   any    // the value of a panic
	fatal   bool
	// msgf builds Message after the run: while it runs, the engine must
	// not use package fmt, whose pools would order goroutines in the race
	// detector's eyes.
	msgf func() string
}

// A Config sets the limits of an Explorer.
type Config struct {
	MaxSteps int // transitions per run before a step-limit failure
	// ExploreSteps is how many transitions of a run the strategy chooses
	// (0: MaxSteps/10). Past it the run finishes under a fair round-robin
	// scheduler: a long test (a stress loop) has its start explored and
	// then completes, and only a run that goes on to MaxSteps fails.
	ExploreSteps int
	// Latency bounds, in virtual time, how long a goroutine that can run
	// waits for its turn: a timer fires ahead of it only if it expires
	// within Latency of when the goroutine became ready. 0: the clock
	// moves only when no goroutine can run. AutoLatency (the harness's
	// default): a goroutine that can run never waits for the clock, but
	// the end of a sleep or of a timer of duration d may come late, by up
	// to LateWake(d): work that a sleep stands for may take longer.
	Latency  time.Duration
	Watchdog time.Duration // time a goroutine may run without a scheduling point
	// Coverage records the pairs of conflicting operations (the same
	// object, different goroutines, one right after the other) seen in
	// each order, by source line: Explorer.Coverage returns them.
	Coverage bool
	// VisibleHandoff lets the race detector see the baton's handoffs,
	// which then order the goroutines of every run. Only for testing
	// that hiding them matters.
	VisibleHandoff bool
	// Flight, if set, records each run's settings and decisions as they
	// are made, for a report of a process that died during a run.
	Flight *flight.Recorder
}

// AutoLatency is the Latency of the default timing model (see Config).
const AutoLatency time.Duration = -1

// LateWake is how late, under AutoLatency, the end of a sleep or timer of
// duration d may come: ten times d, at most a second.
func LateWake(d time.Duration) time.Duration { return min(10*d, time.Second) }

// RaceEnabled reports whether the binary runs under the race detector.
func RaceEnabled() bool { return raceEnabled }

// Window returns how many transitions of a run the strategy chooses.
func (c Config) Window() int { return c.exploreSteps() }

func (c Config) exploreSteps() int {
	if c.ExploreSteps > 0 && c.ExploreSteps <= c.MaxSteps {
		return c.ExploreSteps
	}
	return max(c.MaxSteps/10, 1)
}

// An Explorer runs the runs of one exploration, one after the other.
type Explorer struct {
	cfg   Config
	stuck chan struct{}
	stop  chan struct{}
	cur   atomic.Pointer[Run]
	once  sync.Once

	gpool     []*G
	idle      []*worker
	gsBuf     []*G
	liveBuf   []*G
	altBuf    []Alt
	decBuf    []Decision
	preBuf    []int
	objPool   []*object
	events    chan event
	reqCh     chan envelope
	objs      map[unsafe.Pointer]*object
	cov       *coverage
	timerOf   map[unsafe.Pointer]*vtimer
	timerChan map[unsafe.Pointer]unsafe.Pointer
	oids      map[unsafe.Pointer]uintptr
	timerBuf  []*vtimer
	sleepBuf  []*vtimer
	rd        readiness
	pcg       rand.PCG
	rnd       *rand.Rand
}

var layoutErr = sync.OnceValue(checkHchanLayout)

// NewExplorer returns an Explorer; Close releases it.
func NewExplorer(cfg Config) (*Explorer, error) {
	if err := layoutErr(); err != nil {
		return nil, fmt.Errorf("interleave: this Go runtime (%s) is not supported: channel layout check failed: %v", runtime.Version(), err)
	}
	if cfg.MaxSteps <= 0 {
		return nil, errors.New("interleave: MaxSteps must be positive")
	}
	if cfg.Watchdog <= 0 {
		return nil, errors.New("interleave: the watchdog duration must be positive")
	}
	x := &Explorer{
		cfg:       cfg,
		stuck:     make(chan struct{}, 1),
		stop:      make(chan struct{}),
		events:    make(chan event, 16),
		reqCh:     make(chan envelope),
		objs:      make(map[unsafe.Pointer]*object),
		timerOf:   make(map[unsafe.Pointer]*vtimer),
		timerChan: make(map[unsafe.Pointer]unsafe.Pointer),
		oids:      make(map[unsafe.Pointer]uintptr),
	}
	x.rnd = rand.New(&x.pcg)
	if cfg.Coverage {
		x.cov = newCoverage()
	}
	return x, nil
}

// Quiet reports whether the run keeps the test's reports to itself (see
// RunParams.Quiet).
func (r *Run) Quiet() bool { return r.quiet }

// Index returns the run's number in its exploration (RunParams.Index).
func (r *Run) Index() int { return r.index }

// Replaying reports whether the run shrinks or replays a failed one
// (RunParams.Replaying).
func (r *Run) Replaying() bool { return r.replaying }

// AddCleanup registers f, which a controlled goroutine of the run gave to
// its test's Cleanup, to run at the end of the run's body (TakeCleanups).
//
// The goroutines of the run hand the baton over by synchronization the
// race detector does not see (and must not: it would order the program's
// goroutines); this list is the harness's, which only the baton's holder
// touches, so its accesses are kept from the detector.
//
//go:norace
func (r *Run) AddCleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// TakeCleanups returns the functions AddCleanup registered since the last
// call, in the order of registration, and forgets them.
//
//go:norace
func (r *Run) TakeCleanups() []func() {
	fs := r.cleanups
	r.cleanups = nil
	return fs
}

// Close stops the explorer's watchdog and its idle goroutines.
func (x *Explorer) Close() {
	select {
	case <-x.stop:
	default:
		close(x.stop)
	}
	for _, w := range x.idle {
		close(w.jobs)
	}
	x.idle = nil
}

// watchdog reports a run that makes no progress for cfg.Watchdog (see
// watch.stuck).
func (x *Explorer) watchdog() {
	period := x.cfg.Watchdog / 4
	if period < time.Millisecond {
		period = time.Millisecond
	}
	t := time.NewTicker(period)
	defer t.Stop()
	var w watch
	for {
		select {
		case <-x.stop:
			return
		case now := <-t.C:
			r := x.cur.Load()
			if r == nil {
				w = watch{}
				continue
			}
			if w.stuck(r, now, x.cfg.Watchdog) {
				select {
				case x.stuck <- struct{}{}:
				default:
				}
				w = watch{}
			}
		}
	}
}

type evKind uint8

const (
	evEnded  evKind = iota // the run is over; nobody runs
	evExited               // an aborted goroutine has exited
)

type event struct {
	kind evKind
	g    int
}

// A Run is one execution of the test body under the engine.
type Run struct {
	x        *Explorer
	strategy Strategy
	trace    bool
	maxSteps int
	window   int  // ExploreSteps
	quiet    bool // RunParams.Quiet
	live     []*G // the goroutines not done, in id order
	latency  int64
	runLen   int // consecutive transitions of last, past the window

	// Published for the runtime ABI and the watchdog.
	curGP     atomic.Uintptr
	curH      atomic.Pointer[Handle]
	curGoid   atomic.Uint64
	curID     atomic.Int64
	steps     atomic.Int64
	heartbeat atomic.Int64 // progress while waiting on the outside
	ended     atomic.Bool
	finalizer atomic.Bool  // a goroutine of the run set a finalizer (afterbody.go)
	index     int          // the run's number in its exploration
	stuckG    atomic.Int64 // goroutine abandoned by the watchdog, or -1
	endSync   uint64       // address used to order the run's goroutines before the explorer

	// Engine state (doc.go: touched only by whoever runs the engine).
	gs          []*G
	objs        map[unsafe.Pointer]*object
	nobj        int
	alts        []Alt
	pt          Point
	last        int
	nsteps      int
	progressAt  int // the step of the run's latest progress (overLimit)
	abortSteps  int
	decisions   []Decision
	rows        []row // the first steps of a traced run
	tail        []row // its last steps, a ring from tailAt
	hold        hold  // traced: the longest wait of a goroutine that could go on while a timer fired
	tailAt      int
	omitted     int // steps between the two, not kept
	blocked     []blockedG
	failure     *Failure
	preempt     bool  // the transition being applied preempts the last goroutine
	preempted   []int // decisions that switched away from a goroutine that could go on
	outsideWait bool
	probeFor    unsafe.Pointer // the lock the request being handled probed
	probeFree   bool

	epoch     time.Time // virtual time 0
	clock     int64     // virtual nanoseconds since epoch
	timers    theap     // pending timers but sleeps
	sleeps    theap     // pending sleeps
	parked    []*vtimer // active timers whose channel is full
	rd        *readiness
	volSeen   bool    // set by altsOf: what it found may change unseen
	scratch   []Alt   // recheck's
	timerOn   bool    // the clock is an alternative of this step (nextT)
	counter   Counter // the strategy, when it chooses by the number of alternatives alone
	timerOf   map[unsafe.Pointer]*vtimer
	timerChan map[unsafe.Pointer]unsafe.Pointer // channel -> its timer's key
	timerSeq  int
	nextT     *vtimer // the timer of the clock's alternative

	flight          *flight.Recorder
	sampled         int                        // draws of the program's randomness no strategy chose
	unchosen        int                        // points past the window, where the fair scheduler chose
	held            int                        // points where a timer did not fire because of the latency
	pruned          bool                       // the strategy ended the run early
	until           time.Time                  // RunParams.Until
	cut             bool                       // the run was cut short at until
	nextLook        int                        // the step at which to read the clock for until
	movedAt         int                        // the step at which a timer last fired (StallSteps)
	stallLook       int                        // the step of the next look for a timer the steps reached
	passedTo        int64                      // the clock after the latest passTime
	fires           int                        // timers fired in the run
	firesAtProgress int                        // fires at progressAt
	cleanups        []func()                   // AddCleanup
	readOff         int64                      // what reads of the clock have added to it (ReadCost)
	replaying       bool                       // RunParams.Replaying
	searching       bool                       // the strategy compares alternatives across runs
	observer        Observer                   // the strategy, if it watches every transition
	oids            map[unsafe.Pointer]uintptr // objects by order of first sight, for an Observer
	obsLast         int                        // the goroutine of the previous transition, for the Observer
	created         int                        // the goroutine the transition being applied started, or -1
	rnd             *rand.Rand                 // the run's own randomness (math/rand in the program)
	bodyDone        bool
	bodyEnd         int64 // the clock when the body returned
	graceCut        bool  // a timer was not fired: it was due past the grace after the body (afterbody.go)
	collected       bool  // garbage was collected after the body, for finalizers (afterbody.go)
	stopping        bool  // a goroutine failed fatally and is unwinding
	aborting        bool  // the explorer is making the goroutines exit
	finished        bool

	// Explorer state.
	dEnded  bool
	dExited int
}

// row is one transition of a traced run.
type row struct {
	step    int
	g       int
	kind    Kind
	obj     unsafe.Pointer
	partner int
	child   int
	ok      bool
	preempt bool
	n       int64  // the operation's argument (WaitGroup.Add's delta)
	clock   int64  // virtual time after the step
	timer   vtimer // the timer that fired, for KTimer
	drawn   int    // the value drawn, for KRand
	sel     bool   // a case of a select, the case cas
	cas     int
}

// blockedG is a live goroutine at the end of a run and what it waits for.
type blockedG struct {
	g         int
	op        pending
	announced bool
	signaled  bool
	enabled   bool
	obj       object // the state of the object it waits on
}

// signal tells the explorer about ev.
func (r *Run) signal(ev event) {
	if raceEnabled {
		r.applyEvent(ev)
		return
	}
	r.x.events <- ev
}

func (r *Run) applyEvent(ev event) {
	switch ev.kind {
	case evEnded:
		r.dEnded = true
	case evExited:
		r.dExited = ev.g
	}
}

// await runs until cond holds. It returns false if the watchdog fired.
func (r *Run) await(cond func() bool) bool {
	if raceEnabled {
		r.hide()
		defer r.unhide()
	}
	for !cond() {
		if raceEnabled {
			select {
			case env := <-r.x.reqCh:
				r.dispatch(env)
			case <-r.x.stuck:
				return false
			}
			continue
		}
		select {
		case ev := <-r.x.events:
			r.applyEvent(ev)
		case <-r.x.stuck:
			return false
		}
	}
	return true
}

// dispatch runs the engine for a request received by message.
func (r *Run) dispatch(env envelope) {
	next, rep := r.handle(env.id, env.h, &env.q)
	if next >= 0 {
		r.gs[next].wake <- rep
	}
}

// A Result is the outcome of a run.
type Result struct {
	Failure   *Failure
	Steps     int
	Choices   int        // points at which the strategy chose
	Decisions []Decision // the choices; valid until the Explorer's next run
	// Preempted indexes the decisions that switched away from a goroutine
	// that could have gone on; valid until the Explorer's next run.
	Preempted []int
	Messages  []Message
	Trace     *Trace // when the run was traced
	Hold      *Hold  // traced: a goroutine that could go on waited while a timer fired
	Pruned    bool   // the strategy ended the run early
	// Cut reports a run cut short at RunParams.Until: neither a failure
	// nor a run explored to its end.
	Cut bool
	// What the run left unexplored: the strategy explores every run
	// alike only if all three are 0. Sampled counts the draws of the
	// program's randomness taken from the run's source (rand.Float64,
	// rand.Intn(n) for n > DrawLimit); Unchosen the points with a choice
	// past the explored window, where a fair scheduler chose; Held the
	// points where a timer could have fired but for the latency bound.
	Sampled, Unchosen, Held int
}

// RunParams are what makes one run differ from another besides its
// decisions: a replay must use the same.
type RunParams struct {
	Trace bool      // record what a report needs
	Seed  uint64    // seed of the program's own randomness in the run
	Epoch time.Time // the virtual clock's start
	Index int       // the run's number in its exploration, for the flight record
	// Quiet asks the test's own reports (testing.T's Errorf, which the
	// instrumented test calls through the harness) to be kept for the run
	// and not printed: the runs after a failure, replaying or shrinking
	// it, must not print its messages again.
	Quiet bool
	// Replaying marks the runs that shrink and replay a failed run: the
	// test's log lines, printed by the failed run, are not printed again.
	Replaying bool
	// Until, if not zero, is when the run is cut short (Result.Cut): the
	// exploration's time is spent. The clock is read every CutEvery steps.
	Until time.Time
}

// CutEvery is how many steps a run makes between two looks at the clock
// for RunParams.Until.
const CutEvery = 1024

// latestVirtual is the latest time of the virtual clock at the end of a
// run in this process, as Unix nanoseconds.
var latestVirtual atomic.Int64

func noteVirtual(t time.Time) {
	for n := t.UnixNano(); ; {
		old := latestVirtual.Load()
		if n <= old || latestVirtual.CompareAndSwap(old, n) {
			return
		}
	}
}

// LatestVirtual is the latest time the virtual clock reached in a run of
// this process (zero if none ran): a later exploration starts its clock
// after it, so that time does not run backwards for what outlives a run
// (a breaker a parent test made, opened by one subtest's run and read by
// the next subtest's).
func LatestVirtual() time.Time {
	if n := latestVirtual.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// Run executes body once as goroutine 0 under strategy s, which must have
// begun the run.
func (x *Explorer) Run(s Strategy, p RunParams, body func()) *Result {
	x.once.Do(func() { go x.watchdog() })
	clear(x.objs)
	if x.cov != nil {
		clear(x.cov.last)
	}
	clear(x.timerOf)
	clear(x.timerChan)
	r := &Run{x: x, strategy: s, trace: p.Trace, quiet: p.Quiet, maxSteps: x.cfg.MaxSteps, window: x.cfg.exploreSteps(), latency: int64(x.cfg.Latency), objs: x.objs, last: -1, dExited: -1,
		gs: x.gsBuf[:0], live: x.liveBuf[:0], alts: x.altBuf[:0], decisions: x.decBuf[:0], preempted: x.preBuf[:0],
		epoch: p.Epoch.Round(0), timerOf: x.timerOf, timerChan: x.timerChan, timers: x.timerBuf[:0], sleeps: x.sleepBuf[:0], rd: &x.rd}
	x.rd.reset()
	r.observer, _ = s.(Observer)
	if c, ok := s.(Counter); ok && c.Counting() {
		r.counter = c
	}
	if sr, ok := s.(Searcher); ok && sr.Searching() {
		r.searching = true
		clear(x.oids)
		r.oids = x.oids
	}
	r.obsLast = -1
	r.until = p.Until
	r.replaying = p.Replaying
	r.flight = x.cfg.Flight
	r.index = p.Index
	r.flight.BeginRun(p.Index, p.Seed, r.epoch.Unix(), x.cfg.Latency, x.cfg.MaxSteps, r.window)
	x.pcg.Seed(p.Seed, p.Seed^0x5851f42d4c957f2d)
	r.rnd = x.rnd
	r.stuckG.Store(-1)

	activeMu.Lock()
	raceDisable()
	active.Store(r)
	raceEnable()
	x.cur.Store(r)
	select { // a stale report from the previous run
	case <-x.stuck:
	default:
	}

	races := raceErrors()
	g0, fresh := r.newG()
	r.startG(reply{child: int32(g0.id), wake: g0.wake, w: g0.w, fresh: fresh}, body)
	if next, rep := r.schedule(); next >= 0 {
		raceDisable()
		r.gs[next].wake <- rep
		raceEnable()
	}
	if !r.await(func() bool { return r.dEnded }) {
		r.watchdogFired()
	}
	r.abortAll()
	r.ended.Store(true)

	x.cur.Store(nil)
	raceDisable()
	active.Store(nil)
	raceEnable()
	activeMu.Unlock()
	raceAcquire(unsafe.Pointer(&r.endSync))

	if n := raceErrors() - races; n > 0 && (r.failure == nil || r.failure.Kind == KindAssertion || r.failure.Kind == KindLeak) {
		// The race detector reported a race in this run: that is the
		// failure, whatever followed from it.
		r.failure = &Failure{Kind: KindRace, G: -1, Step: r.nsteps, msgf: func() string {
			return fmt.Sprintf("the race detector reported %s during this run", plural(n, "data race"))
		}, Details: raceReport()}
	}
	r.flight.EndRun()
	noteVirtual(r.epoch.Add(time.Duration(r.clock + r.readOff)))
	res := r.result()
	s.EndRun(r.nsteps, res.Failure != nil)
	for _, g := range r.gs {
		if g.state != gStuck {
			x.gpool = append(x.gpool, g)
		}
		if g.w != nil && g.w.idle {
			x.idle = append(x.idle, g.w)
		}
	}
	clear(r.live)
	clear(r.timers)
	clear(r.sleeps)
	x.liveBuf = r.live[:0]
	x.gsBuf, x.altBuf, x.decBuf, x.timerBuf, x.sleepBuf, x.preBuf = r.gs[:0], r.alts[:0], r.decisions[:0], r.timers[:0], r.sleeps[:0], r.preempted[:0]
	return res
}

// watchdogFired handles a goroutine that kept the baton too long.
func (r *Run) watchdogFired() {
	id := int(r.curID.Load())
	r.stuckG.Store(int64(id))
	r.curGP.Store(0)
	stack := goroutineStack(r.curGoid.Load())
	g := r.gs[id]
	g.state = gStuck
	r.snapshotBlocked()
	r.failure = &Failure{Kind: KindWatchdog, G: id, Step: r.nsteps,
		Message: fmt.Sprintf("g%d ran %v without reaching a scheduling point: it is blocked or spinning in code the harness does not control", id, r.x.cfg.Watchdog),
		Details: stack}
	r.finished = true
}

// abortAll makes every parked goroutine exit, one at a time, running its
// deferred calls.
func (r *Run) abortAll() {
	r.aborting = true
	for {
		var g *G
		for _, c := range r.gs {
			if c.state == gParked {
				g = c
				break
			}
		}
		if g == nil {
			return
		}
		r.dExited = -1
		g.state = gRunning
		raceDisable()
		g.wake <- reply{kind: rAbort}
		raceEnable()
		if !r.await(func() bool { return r.dExited == g.id }) {
			g.state = gStuck
		}
	}
}

// goroutineStack returns the stack of the goroutine with the given id.
func goroutineStack(id uint64) string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	head := []byte("goroutine " + strconv.FormatUint(id, 10) + " [")
	for _, block := range bytes.Split(buf, []byte("\n\n")) {
		if bytes.HasPrefix(block, head) {
			return string(block)
		}
	}
	return fmt.Sprintf("(no stack found for goroutine %d)", id)
}
