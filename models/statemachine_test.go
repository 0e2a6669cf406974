package models_test

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/leanovate/gopter"
	"github.com/stretchr/testify/require"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
	"github.com/interleave-go/interleave/models"
)

// semaphore is a semaphore of permits held in one atomic word, whose
// Release may be a read and a write that another Release comes between.
type semaphore struct {
	lostRelease bool
	n           atomic.Int32
}

func (s *semaphore) TryAcquire(k int32) bool {
	for {
		v := rt.Int32Load(&s.n)
		if v < k {
			return false
		}
		if rt.Int32CompareAndSwap(&s.n, v, v-k) {
			return true
		}
	}
}

func (s *semaphore) Release(k int32) {
	if s.lostRelease {
		v := rt.Int32Load(&s.n)
		rt.Int32Store(&s.n, v+k)
		return
	}
	rt.Int32Add(&s.n, k)
}

func (s *semaphore) Value() int32 { return rt.Int32Load(&s.n) }

// semaphoreMachine tests a semaphore of one permit with TryAcquire(1),
// Release(1) and Value.
func semaphoreMachine(lostRelease bool) models.StateMachine[*semaphore, models.Call] {
	return models.StateMachine[*semaphore, models.Call]{
		Model: models.Semaphore(1),
		New: func() *semaphore {
			s := &semaphore{lostRelease: lostRelease}
			s.n.Store(1)
			return s
		},
		Gen: models.OneOf(
			models.Call{Method: "TryAcquire", Arg: 1},
			models.Call{Method: "Release", Arg: 1},
			models.Call{Method: "Value"},
		),
		Run: func(s *semaphore, c models.Call) any {
			switch c.Method {
			case "TryAcquire":
				return models.Bool(s.TryAcquire(int32(c.Arg)))
			case "Release":
				s.Release(int32(c.Arg))
				return models.Done(nil)
			}
			return models.Value(int(s.Value()), nil)
		},
	}
}

func TestStateMachineFindsAndShrinksALostRelease(t *testing.T) {
	dir := t.TempDir()
	r := capture(t, func(t testing.TB) {
		models.CheckStateMachine(t, semaphoreMachine(true), models.VisualizationDir(dir))
	})
	m := regexp.MustCompile(`^models: state machine: a program of (\d+) operations? across (\d+) goroutines? fails \(shrunk in \d+ steps? from \d+ operations across \d goroutines; \d+ programs? explored in all, seed 1\):\n  (g1:.*)\n`).FindStringSubmatch(r)
	require.NotNil(t, m, "report:\n%s", r)
	ops, _ := strconv.Atoi(m[1])
	gs, _ := strconv.Atoi(m[2])
	if ops > 3 || gs > 2 {
		t.Errorf("shrunk to %d operations across %d goroutines (%s), want at most 3 across 2", ops, gs, m[3])
	}
	for _, want := range []string{
		"\ninterleave: invariant: not linearizable: ",
		"history by goroutine",
		"Release(1) → ok",
		"\nvisualization: " + dir,
		"\nreplay: the test reproduces this with the same seed; to replay the schedule of this program alone, call\n  models.RunProgram(t, sm, program, models.ExploreWith(harness.Replay(\"",
	} {
		if !strings.Contains(r, want) {
			t.Errorf("report lacks %q:\n%s", want, r)
		}
	}

	// The token replays the shrunk program's schedule, with RunProgram.
	program := parseProgram(t, m[3])
	tok := regexp.MustCompile(`harness\.Replay\("(\S+)"\)`).FindStringSubmatch(r)
	require.NotNil(t, tok)
	again := capture(t, func(t testing.TB) {
		models.RunProgram(t, semaphoreMachine(true), program, models.VisualizationDir(dir), models.ExploreWith(harness.Replay(tok[1])))
	})
	require.Regexp(t, `^interleave: invariant: not linearizable: .*\n(?s:.*)\nfound in replay\n`, again)
	require.Contains(t, r, again[strings.Index(again, "history by goroutine"):strings.Index(again, "found in replay")])
}

// parseProgram reads a program as Program.String writes it: "g1: A(1),
// B(); g2: C()".
func parseProgram(t *testing.T, s string) models.Program[models.Call] {
	var p models.Program[models.Call]
	for _, g := range strings.Split(s, "; ") {
		_, ops, _ := strings.Cut(g, ": ")
		var calls []models.Call
		for _, op := range strings.Split(ops, ", ") {
			m := regexp.MustCompile(`^(\w+)\((\d*)\)$`).FindStringSubmatch(op)
			require.NotNil(t, m, "operation %q", op)
			arg, _ := strconv.Atoi(m[2])
			calls = append(calls, models.Call{Method: m[1], Arg: arg})
		}
		p = append(p, calls)
	}
	return p
}

func TestStateMachineAcceptsACorrectSemaphore(t *testing.T) {
	r := capture(t, func(t testing.TB) {
		models.CheckStateMachine(t, semaphoreMachine(false), models.Programs(10), models.RunsPerProgram(100))
	})
	if r != "" {
		t.Fatalf("a correct semaphore failed:\n%s", r)
	}
}

func TestGeneratedProgramsStayWithinBounds(t *testing.T) {
	var mu sync.Mutex
	opsOf := map[[2]int]int{} // operations by run and goroutine
	run := 0
	sm := models.StateMachine[*int, models.Call]{
		Model: models.Model{Name: "anything", Model: porcupine.Model{
			Init: func() any { return 0 },
			Step: func(s, _, _ any) (bool, any) { return true, s },
		}},
		New: func() *int {
			mu.Lock()
			defer mu.Unlock()
			run++
			return new(int)
		},
		Gen: models.OneOf(models.Call{Method: "A"}, models.Call{Method: "B"}),
		Run: func(*int, models.Call) any {
			mu.Lock()
			defer mu.Unlock()
			opsOf[[2]int{run, harness.Goroutine()}]++
			return nil
		},
	}
	r := capture(t, func(t testing.TB) {
		models.CheckStateMachine(t, sm, models.Goroutines(3), models.OpsPerGoroutine(2), models.Programs(20), models.RunsPerProgram(1))
	})
	require.Empty(t, r)
	require.Equal(t, 20, run)
	goroutines := map[int]int{}
	for k, n := range opsOf {
		if k[1] < 1 || k[1] > 3 || n < 1 || n > 2 {
			t.Errorf("run %d: g%d made %d operations, want g1 to g3 making 1 or 2", k[0], k[1], n)
		}
		goroutines[k[0]]++
	}
	for r, n := range goroutines {
		if n < 2 {
			t.Errorf("run %d: %d goroutines, want 2 or 3", r, n)
		}
	}
}

func TestOneOfShrinksToEarlierOperations(t *testing.T) {
	g := models.OneOf("a", "b", "c")
	res := g(gopter.DefaultGenParameters())
	s := res.Shrinker("c")
	var got []any
	for v, ok := s(); ok; v, ok = s() {
		got = append(got, v)
	}
	require.Equal(t, []any{"a", "b"}, got)
	require.Panics(t, func() { models.OneOf[string]() })
}

func TestStateMachineRefusesAReplayToken(t *testing.T) {
	t.Setenv("INTERLEAVE_REPLAY", "AQ")
	r := capture(t, func(t testing.TB) { models.CheckStateMachine(t, semaphoreMachine(false)) })
	require.Equal(t, "models: CheckStateMachine cannot replay a token: explore the program of the report with RunProgram and ExploreWith(harness.Replay(token))", r)
}
