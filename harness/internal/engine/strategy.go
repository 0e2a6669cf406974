package engine

// An Alt is one thing that can happen next: goroutine G performs its
// pending operation, taking select case Case (-1 for a select's default
// case and for operations that are not selects).
type Alt struct {
	G    int
	Case int
	Kind Kind
	// Obj identifies the object the operation works on (a channel, mutex,
	// ...); 0 for operations local to the goroutine. Two alternatives
	// conflict when they work on the same object and one of them writes.
	Obj uintptr
	// Obj2 is a second object the operation works on: the lock of a
	// sync.Cond's Wait.
	Obj2 uintptr
	// N is the operation's argument: WaitGroup.Add's delta.
	N int64
	// Partner is the goroutine that completes a rendezvous on an
	// unbuffered channel with this one, -1 if none.
	Partner int
}

// A Point is a scheduling decision with at least two alternatives.
type Point struct {
	Step int   // transitions made so far in this run
	Last int   // goroutine that made the previous transition, -1 at the start
	Alts []Alt // enabled alternatives, ordered by goroutine then case
	// Blocked holds the pending operations of the goroutines that cannot
	// go on, one per select case; only for an Observer.
	Blocked []Alt
}

// A Decision is what a strategy chose at a point, as recorded in schedule
// tokens: goroutines are numbered in creation order, so a decision names
// the same goroutine in every run that follows the same decisions.
type Decision struct {
	G    int
	Case int
}

// A Strategy makes the decisions of an exploration. The engine calls
// BeginRun before each run, Choose at each point with two or more
// alternatives, and EndRun after the run. A Strategy is used by one
// exploration at a time and needs no locking.
type Strategy interface {
	// Name describes the strategy and its parameters, e.g. "pct(depth=3)".
	Name() string
	// BeginRun starts run number run (from 0). It returns false when the
	// strategy has nothing left to explore.
	BeginRun(run int) bool
	// Choose returns the index in p.Alts of the alternative to take, -1
	// if the strategy cannot continue (a replay that diverged), or Prune
	// to end the run as one that needs no exploring.
	Choose(p *Point) int
	// EndRun reports how the run went: its length in transitions, and
	// whether it failed.
	EndRun(steps int, failed bool)
}

// Continue is the choice of a schedule with no preemption: the goroutine
// that ran last goes on if it can, else the lowest-numbered one runs; the
// clock moves only when no goroutine can.
// Replays use it once their recorded decisions are spent, so that a
// shortened schedule still completes deterministically.
func Continue(p *Point) int {
	first := -1
	for i, a := range p.Alts {
		if a.G == p.Last && a.G != TimerG {
			return i
		}
		if a.G != TimerG && (first < 0 || a.G < p.Alts[first].G) {
			first = i
		}
	}
	if first < 0 {
		return 0 // only the clock can move
	}
	return first
}

// An Observer is a strategy that sees every transition of a run, those
// with a single alternative included (Choose is called only when there is
// a choice). Taken is called after the transition p.Alts[chosen]; created
// is the goroutine it started, -1 if none.
type Observer interface {
	Taken(p *Point, chosen int, created int)
}

// A Searcher is an Observer that compares alternatives across runs, as
// exhaustive search does. For the runs in which Searching reports true the
// engine names objects by order of first sight rather than by address
// (Alt.Obj), the same in every run that makes the same decisions, and
// lists the pending operations of blocked goroutines (Point.Blocked).
type Searcher interface {
	Observer
	Searching() bool
}

// Prune is what Choose returns to end a run early, without a failure: a
// search that knows the rest of the run repeats schedules it has seen.
const Prune = -2

// A Counter is a strategy that, in some runs, chooses among the
// alternatives of a point by their number alone, each as likely, and
// watches nothing (a random walk). For those runs the engine asks ChooseOf
// with the number of alternatives instead of Choose, and need not list
// them: a step then costs the same however many goroutines can go on. The
// alternative numbered i is one the engine knows by i, in an order of its
// own; the decision recorded is the alternative's goroutine and case, as
// for Choose.
type Counter interface {
	Strategy
	// Counting reports whether the run begun chooses by number alone.
	Counting() bool
	// ChooseOf returns the number, below n, of the alternative to take.
	ChooseOf(n int) int
}
