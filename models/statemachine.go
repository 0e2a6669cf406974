package models

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// A StateMachine specifies a state-machine test of a concurrent object, in
// the manner of gopter's commands package but with goroutines: programs of
// a few goroutines, each making a few operations on one object, are
// generated, each is explored, and the history of every run is checked for
// linearizability against the model.
type StateMachine[S, Op any] struct {
	Model Model                  // the sequential specification: its inputs are Ops, its outputs what Run returns
	New   func() S               // builds a fresh object, in each run
	Gen   gopter.Gen             // generates one operation, of type Op (see OneOf); its shrinker, if any, shrinks operations
	Run   func(sut S, op Op) any // applies op to the object and returns its output for the model
}

// A Program is one sequence of operations for each goroutine: the first
// runs as g1 of a run, the second as g2, and so on.
type Program[Op any] [][]Op

// Ops returns the number of operations of the program.
func (p Program[Op]) Ops() int {
	n := 0
	for _, ops := range p {
		n += len(ops)
	}
	return n
}

// String shows the program by goroutine: "g1: A(1), B(); g2: C()".
func (p Program[Op]) String() string {
	var b strings.Builder
	for i, ops := range p {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "g%d:", i+1)
		for j, op := range ops {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %v", op)
		}
	}
	return b.String()
}

// RunProgram explores one program: each run builds the object with New,
// starts one goroutine per sequence of operations, waits for them, and
// checks the history against the model. A failing run is reported through
// t as Explore reports it. Options RunsPerProgram, ExploreWith, Timeout and
// VisualizationDir apply.
func RunProgram[S, Op any](t testing.TB, sm StateMachine[S, Op], p Program[Op], opts ...Option) {
	t.Helper()
	c, err := newConfig(scopeStateMachine, opts)
	if err != nil {
		t.Fatal(err)
		return
	}
	runProgram(t, sm, p, c)
}

func runProgram[S, Op any](t testing.TB, sm StateMachine[S, Op], p Program[Op], c config) {
	t.Helper()
	body := func(ht *harness.T) {
		cc := c
		cc.name = ht.Name()
		rec := &Recorder{}
		ht.Verify(func() error { return check(sm.Model, rec.history(), cc) })
		sut := sm.New()
		// Package models is not instrumented: it starts and waits for the
		// goroutines of a run through the runtime ABI, as instrumented
		// code would.
		var wg sync.WaitGroup
		rt.WaitGroupAdd(&wg, len(p))
		for _, ops := range p {
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				for _, op := range ops {
					inv := rec.Call(op)
					inv.Return(sm.Run(sut, op))
				}
			})
		}
		rt.WaitGroupWait(&wg)
	}
	harness.Explore(t, body, append([]harness.Option{harness.Runs(c.runs)}, c.explore...)...)
}

// CheckStateMachine generates programs (see Programs, Goroutines and
// OpsPerGoroutine), and explores each with RunProgram until one fails or
// all pass. gopter then shrinks the failing program, keeping each smaller
// program that still fails when explored: it drops goroutines, then merges
// two (one goroutine makes the operations of both, one after the other),
// then drops operations, then shrinks operations with the generator's
// shrinker. The exploration of the last program shrinks its schedule, as
// every exploration does. The report, through t, shows the shrunk program
// and the report of its exploration.
//
// The same Seed generates, explores and shrinks the same programs (with
// the same exploration options, and as long as no exploration runs out of
// time), so running the test again reproduces a failure. The replay token
// of the report is for the shrunk program alone: RunProgram with
// ExploreWith(harness.Replay(token)), in the same test, replays it.
// CheckStateMachine itself refuses to run with -interleave.replay or
// INTERLEAVE_REPLAY set, since that token would be replayed against every
// generated program.
//
// Under the interleave tool, which runs each test function as the body of
// an exploration, CheckStateMachine explores by itself as Explore does.
func CheckStateMachine[S, Op any](t testing.TB, sm StateMachine[S, Op], opts ...Option) {
	t.Helper()
	c, err := newConfig(scopeStateMachine, opts)
	if err != nil {
		t.Fatal(err)
		return
	}
	if f := flag.Lookup("interleave.replay"); (f != nil && f.Value.String() != "") || os.Getenv("INTERLEAVE_REPLAY") != "" {
		t.Fatal("models: CheckStateMachine cannot replay a token: explore the program of the report with RunProgram and ExploreWith(harness.Replay(token))")
		return
	}
	var (
		reports  = map[string]string{} // the failure of each program explored, by its %#v
		explored int
		setup    string // an exploration that failed before running anything
		escaped  any    // a panic out of Explore, which gopter would swallow
	)
	check := prop.ForAll(func(p Program[Op]) bool {
		if setup != "" || escaped != nil {
			return true
		}
		explored++
		report, panicked := quietly(t, func(t testing.TB) { runProgram(t, sm, p, c) })
		if panicked != nil {
			// Explore called inside a run (the interleave tool runs each
			// test function as a run, and lets one that explores by
			// itself run unexplored once it sees that panic), or a bug.
			escaped = panicked
			return true
		}
		if report != "" && !strings.Contains(report, "\nreplay: ") {
			setup = report
			return true
		}
		reports[fmt.Sprintf("%#v", p)] = report
		return report == ""
	}, genProgram[Op](sm.Gen, c))
	params := gopter.DefaultTestParametersWithSeed(c.seed)
	params.MinSuccessfulTests = c.programs
	res := check.Check(params)
	if escaped != nil {
		panic(escaped)
	}
	switch {
	case setup != "":
		t.Fatal(setup)
	case res.Status == gopter.TestFailed && len(res.Args) > 0:
		arg := res.Args[len(res.Args)-1]
		p, orig := arg.Arg.(Program[Op]), arg.OrigArg.(Program[Op])
		report := reports[fmt.Sprintf("%#v", p)]
		t.Errorf("models: state machine: a program of %s across %s fails (shrunk in %s from %s across %s; %s explored in all, seed %d):\n  %s\n\n%s",
			plural(p.Ops(), "operation"), plural(len(p), "goroutine"), plural(arg.Shrinks, "step"),
			plural(orig.Ops(), "operation"), plural(len(orig), "goroutine"), plural(explored, "program"), c.seed,
			p, forProgram(report))
	case res.Status == gopter.TestError:
		t.Errorf("models: state machine: %v\n%s", res.Error, res.ErrorStack)
	case !res.Passed():
		t.Errorf("models: state machine: %s after %s: the generator gives no operations", res.Status, plural(explored, "program"))
	}
}

// forProgram rewrites the replay line of a report on a program explored
// by CheckStateMachine, which replays only with the program.
func forProgram(report string) string {
	i := strings.LastIndex(report, "\nreplay: ")
	if i < 0 {
		return report
	}
	line := report[i+len("\nreplay: "):]
	line, _, _ = strings.Cut(line, "\n")
	tok := ""
	for _, key := range []string{"-interleave.replay=", "-replay "} {
		if j := strings.Index(line, key); j >= 0 {
			tok, _, _ = strings.Cut(line[j+len(key):], " ")
			break
		}
	}
	return report[:i] + fmt.Sprintf("\nreplay: the test reproduces this with the same seed; to replay the schedule of this program alone, call\n"+
		"  models.RunProgram(t, sm, program, models.ExploreWith(harness.Replay(%q)))\nin the same test\n", tok)
}

// OneOf generates one of ops, each as likely. Shrinking replaces an
// operation with one listed before it, so list the simpler ones first. A
// test that makes its generator with OneOf need not import gopter, which
// also keeps gopter out of what the interleave tool instruments. OneOf
// panics if ops is empty.
func OneOf[Op any](ops ...Op) gopter.Gen {
	if len(ops) == 0 {
		panic("models: OneOf with no operation")
	}
	simpler := func(v any) gopter.Shrink {
		var earlier []any
		for _, op := range ops {
			if reflect.DeepEqual(op, v) {
				break
			}
			earlier = append(earlier, op)
		}
		return func() (any, bool) {
			if len(earlier) == 0 {
				return nil, false
			}
			op := earlier[0]
			earlier = earlier[1:]
			return op, true
		}
	}
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(ops[p.Rng.Intn(len(ops))], simpler)
	}
}

// genProgram generates programs of 2 to c.goroutines goroutines, each of 1
// to c.ops operations.
func genProgram[Op any](op gopter.Gen, c config) gopter.Gen {
	return func(params *gopter.GenParameters) *gopter.GenResult {
		n := min(2, c.goroutines) + params.Rng.Intn(max(c.goroutines-1, 1))
		p := make(Program[Op], n)
		shrinkOp := gopter.NoShrinker
		for i := range p {
			for range 1 + params.Rng.Intn(c.ops) {
				r := op(params)
				v, ok := r.Retrieve()
				if !ok {
					return gopter.NewEmptyResult(reflect.TypeOf(p))
				}
				o, ok := v.(Op)
				if !ok {
					panic(fmt.Sprintf("models: StateMachine.Gen generated a %T, not an operation of type %v", v, reflect.TypeFor[Op]()))
				}
				p[i] = append(p[i], o)
				if r.Shrinker != nil {
					shrinkOp = r.Shrinker
				}
			}
		}
		return gopter.NewGenResult(p, func(v any) gopter.Shrink { return shrinkProgram(v.(Program[Op]), shrinkOp) })
	}
}

// shrinkProgram lists the programs one step smaller than p, the biggest
// steps first: without one of its goroutines; with the operations of one
// goroutine made after those of another, by that other goroutine; without
// one operation; with one operation shrunk.
func shrinkProgram[Op any](p Program[Op], shrinkOp gopter.Shrinker) gopter.Shrink {
	var next []Program[Op]
	if len(p) > 1 {
		for i := range p {
			q := p.clone()
			next = append(next, append(q[:i], q[i+1:]...))
		}
		for i := range p {
			for j := range p {
				if i != j {
					q := p.clone()
					q[j] = append(q[j], q[i]...)
					next = append(next, append(q[:i], q[i+1:]...))
				}
			}
		}
	}
	for i, ops := range p {
		if len(ops) < 2 {
			continue
		}
		for j := range ops {
			q := p.clone()
			q[i] = append(q[i][:j], q[i][j+1:]...)
			next = append(next, q)
		}
	}
	for i, ops := range p {
		for j, op := range ops {
			s := shrinkOp(op)
			for v, ok := s(); ok; v, ok = s() {
				if o, ok := v.(Op); ok {
					q := p.clone()
					q[i][j] = o
					next = append(next, q)
				}
			}
		}
	}
	return func() (any, bool) {
		if len(next) == 0 {
			return nil, false
		}
		q := next[0]
		next = next[1:]
		return q, true
	}
}

func (p Program[Op]) clone() Program[Op] {
	q := make(Program[Op], len(p))
	for i, ops := range p {
		q[i] = append([]Op(nil), ops...)
	}
	return q
}

// quietly runs f with a testing.TB that keeps what is reported through it
// instead of failing t, and returns the errors, "" if there were none, and
// what f panicked with, if it did.
func quietly(t testing.TB, f func(testing.TB)) (report string, panicked any) {
	q := &quietTB{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(stopped); !ok {
					panicked = p
				}
			}
		}()
		f(q)
	}()
	return strings.Join(q.errors, "\n"), panicked
}

// quietTB is the testing.TB of quietly.
type quietTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

// stopped is the panic of quietTB's Fatal, which quietly recovers.
type stopped struct{}

func (q *quietTB) Helper()                      {}
func (q *quietTB) Log(...any)                   {}
func (q *quietTB) Logf(string, ...any)          {}
func (q *quietTB) Errorf(f string, args ...any) { q.Error(fmt.Sprintf(f, args...)) }
func (q *quietTB) Error(args ...any) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.errors = append(q.errors, fmt.Sprint(args...))
}
func (q *quietTB) Fatalf(f string, args ...any) {
	q.Errorf(f, args...)
	panic(stopped{})
}
func (q *quietTB) Fatal(args ...any) {
	q.Error(args...)
	panic(stopped{})
}
