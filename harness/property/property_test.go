package property_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/property"
	"github.com/interleave-go/interleave/harness/rt"
)

func TestMain(m *testing.M) {
	// The programs here call the runtime ABI by hand, as instrumented
	// code does.
	rt.MarkInstrumented()
	os.Exit(m.Run())
}

// lostUpdate is two goroutines that each add n to a counter, reading and
// writing it in two critical sections: a switch between them loses one.
func lostUpdate(n int) func(t *harness.T) {
	return func(t *harness.T) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		count := 0
		rt.WaitGroupAdd(&wg, 2)
		for range 2 {
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				for range n {
					rt.Lock(&mu)
					v := count
					rt.Unlock(&mu)
					rt.Lock(&mu)
					count = v + 1
					rt.Unlock(&mu)
				}
			})
		}
		rt.WaitGroupWait(&wg)
		if count != 2*n {
			t.Errorf("count = %d, want %d", count, 2*n)
		}
	}
}

func nonzero(s []byte) int {
	n := 0
	for _, b := range s {
		if b != 0 {
			n++
		}
	}
	return n
}

func TestGopterFindsAndShrinksASchedule(t *testing.T) {
	res, shrunk := property.Find(t, lostUpdate(3), property.Config{Tests: 300, MaxLength: 64, Seed: 7})
	if shrunk == nil {
		t.Fatalf("no failing schedule in 300: %s", res.Status)
	}
	if !shrunk.Outcome.Failed || shrunk.Outcome.Kind != "assertion" || !strings.HasPrefix(shrunk.Outcome.Message, "count = ") {
		t.Fatalf("the shrunk schedule does %+v, want the lost update", shrunk.Outcome)
	}
	// One switch, between a goroutine's read and its write, is all the
	// bug needs: the shrunk schedule makes at most one non-zero decision.
	if n := nonzero(shrunk.Schedule); n > 1 {
		t.Errorf("shrunk schedule %v makes %d switching decisions, want 1 (from %v)", shrunk.Schedule, n, shrunk.Orig)
	}
	if len(shrunk.Schedule) > len(shrunk.Orig) {
		t.Errorf("the schedule grew: %v from %v", shrunk.Schedule, shrunk.Orig)
	}
	t.Logf("shrunk %v (from %v, %d shrinks): %s", shrunk.Schedule, shrunk.Orig, shrunk.Shrinks, shrunk.Outcome.Message)
	// Its token replays the failure.
	rec := &recorder{TB: t}
	harness.Explore(rec, lostUpdate(3), harness.Replay(shrunk.Outcome.Token))
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "interleave: assertion: "+shrunk.Outcome.Message) {
		t.Errorf("replay of the shrunk schedule's token: %q", rec.errors)
	}
}

func TestCorrectProgramPasses(t *testing.T) {
	body := func(t *harness.T) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		count := 0
		rt.WaitGroupAdd(&wg, 2)
		for range 2 {
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				rt.Lock(&mu)
				count++
				rt.Unlock(&mu)
			})
		}
		rt.WaitGroupWait(&wg)
		if count != 2 {
			t.Errorf("count = %d", count)
		}
	}
	if res, shrunk := property.Find(t, body, property.Config{Tests: 200, Seed: 1}); shrunk != nil || !res.Passed() {
		t.Fatalf("a correct program failed: %s %+v", res.Status, shrunk)
	}
}

func TestProgramAndScheduleShrinkTogether(t *testing.T) {
	// The number of increments is generated with the schedule; gopter
	// shrinks both: the smallest program that loses an update does one
	// increment a goroutine.
	params := gopter.DefaultTestParametersWithSeed(3)
	params.MinSuccessfulTests = 300
	params.MaxSize = 40
	p := prop.ForAll(func(n int, s []byte) string {
		if out := harness.RunSchedule(t, s, lostUpdate(n)); out.Failed {
			return out.Message
		}
		return ""
	}, gen.IntRange(1, 4), property.Schedules(40))
	res := p.Check(params)
	if res.Status != gopter.TestFailed {
		t.Fatalf("status %s, want a failure", res.Status)
	}
	n := res.Args[0].Arg.(int)
	s := res.Args[1].Arg.([]byte)
	if n != 1 || nonzero(s) > 1 {
		t.Errorf("shrunk to %d increments and schedule %v, want 1 increment and one switch (from %v, %v)",
			n, s, res.Args[0].OrigArg, res.Args[1].OrigArg)
	}
}

// recorder is a testing.TB that keeps what a test reports.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Error(args ...any) { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Helper() {}
