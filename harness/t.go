package harness

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// T is handed to the body of an exploration, once a run. Its methods may
// be called from any goroutine of the run; a failed check fails the run,
// whichever goroutine makes it. T satisfies testify's require.TestingT and
// assert.TestingT.
type T struct {
	name string

	mu     sync.Mutex // guards what goroutines outside the run report, and checks
	outErr []string
	outLog []string
	checks []func() error
}

// Verify registers check to run when the run is over, outside it: every
// goroutine of the run has stopped, and check's own work (a
// linearizability search, say) is neither explored nor traced. An error
// fails the run with kind invariant; its message is the report's first
// line. Checks run in the order registered, until one fails.
func (t *T) Verify(check func() error) {
	t.mu.Lock()
	t.checks = append(t.checks, check)
	t.mu.Unlock()
}

func (t *T) verify() error {
	t.mu.Lock()
	checks := t.checks
	t.mu.Unlock()
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

// Name returns the name of the test that runs the exploration.
func (t *T) Name() string { return t.name }

// Helper marks the calling function as a test helper. It exists for
// compatibility with testing.T; reports point at the operation's line.
func (t *T) Helper() {}

// Errorf fails the run with a formatted message; the goroutine goes on.
func (t *T) Errorf(format string, args ...any) { t.fail(fmt.Sprintf(format, args...), false) }

// Error fails the run with a message formatted as fmt.Sprintln does.
func (t *T) Error(args ...any) { t.fail(sprintln(args...), false) }

// Fatalf fails the run with a formatted message and ends the calling
// goroutine.
func (t *T) Fatalf(format string, args ...any) { t.fail(fmt.Sprintf(format, args...), true) }

// Fatal fails the run and ends the calling goroutine.
func (t *T) Fatal(args ...any) { t.fail(sprintln(args...), true) }

// Fail fails the run; the goroutine goes on.
func (t *T) Fail() { t.fail("failed", false) }

// FailNow fails the run and ends the calling goroutine.
func (t *T) FailNow() { t.fail("failed", true) }

// Invariantf fails the run with kind invariant: a property the program
// must keep (mutual exclusion, a bound, FIFO order) does not hold, as a
// monitor of package models found. The run stops; the calling goroutine
// ends.
func (t *T) Invariantf(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	if r, h := engine.Current(); r != nil {
		r.Invariant(h, text)
		return
	}
	t.fail(text, true)
}

// Goroutine returns the calling goroutine's number in the run (g0 is the
// body, then g1, g2... in order of creation), as reports name it, or -1
// when the caller is not a goroutine of a run.
func Goroutine() int {
	if _, h := engine.Current(); h != nil {
		return h.ID()
	}
	return -1
}

// Logf adds a line to the run's log, shown with the run's report if it
// fails.
func (t *T) Logf(format string, args ...any) { t.log(fmt.Sprintf(format, args...)) }

// Log adds a line formatted as fmt.Sprintln does to the run's log.
func (t *T) Log(args ...any) { t.log(sprintln(args...)) }

func (t *T) fail(text string, fatal bool) {
	if r, h := engine.Current(); r != nil {
		r.Errorf(h, text, fatal)
		return
	}
	t.mu.Lock()
	t.outErr = append(t.outErr, text)
	t.mu.Unlock()
	if fatal {
		runtime.Goexit()
	}
}

func (t *T) log(text string) {
	if r, h := engine.Current(); r != nil {
		r.Logf(h, text)
		return
	}
	t.mu.Lock()
	t.outLog = append(t.outLog, text)
	t.mu.Unlock()
}

func sprintln(args ...any) string {
	s := fmt.Sprintln(args...)
	return s[:len(s)-1]
}

// collect folds what goroutines outside the run reported into res.
func (t *T) collect(res *engine.Result) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, text := range t.outErr {
		res.Messages = append(res.Messages, engine.Message{G: -1, Text: text, Error: true})
		if res.Failure == nil {
			res.Failure = &engine.Failure{Kind: engine.KindAssertion, G: -1, Message: text}
		}
	}
	for _, text := range t.outLog {
		res.Messages = append(res.Messages, engine.Message{G: -1, Text: text})
	}
}
