package models_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/require"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
	"github.com/interleave-go/interleave/models"
)

// slotQueue is testdata/models/buggyqueue written against the runtime ABI
// by hand: with reserve set, Put reserves its slot and fills it in two
// critical sections, TryGet passes over slots not filled yet, and Len
// counts them.
type slotQueue struct {
	reserve bool
	mu      sync.Mutex
	slots   []*int // nil: reserved, not filled
	taken   []bool
}

func (q *slotQueue) Put(v int) {
	rt.Lock(&q.mu)
	i := len(q.slots)
	q.slots, q.taken = append(q.slots, nil), append(q.taken, false)
	if q.reserve {
		rt.Unlock(&q.mu)
		rt.Lock(&q.mu)
	}
	q.slots[i] = &v
	rt.Unlock(&q.mu)
}

func (q *slotQueue) TryGet() (int, error) {
	rt.Lock(&q.mu)
	defer rt.Unlock(&q.mu)
	for i, p := range q.slots {
		if p != nil && !q.taken[i] {
			q.taken[i] = true
			return *p, nil
		}
	}
	return 0, errors.New("empty")
}

func (q *slotQueue) Len() int {
	rt.Lock(&q.mu)
	defer rt.Unlock(&q.mu)
	n := 0
	for _, taken := range q.taken {
		if !taken {
			n++
		}
	}
	return n
}

// useQueue has g1 and g2 put 1 and 2 while g3 looks at the length and
// takes a value.
func useQueue(t *harness.T, q *slotQueue, opts ...models.Option) {
	rec := models.Record(t, models.FIFOQueue(0), opts...)
	goroutines(3, func(i int) {
		if i < 2 {
			op := rec.Call(models.Call{Method: "Put", Arg: i + 1})
			q.Put(i + 1)
			op.Return(models.Done(nil))
			return
		}
		op := rec.Call(models.Call{Method: "Len"})
		op.Return(models.Value(q.Len(), nil))
		op = rec.Call(models.Call{Method: "TryGet"})
		op.Return(models.Value(q.TryGet()))
	})
}

func TestRecordAcceptsALinearizableQueue(t *testing.T) {
	var sum harness.Summary
	r := explore(t, func(t *harness.T) { useQueue(t, &slotQueue{}) },
		harness.Strategy(harness.DFS()), harness.Runs(20000), harness.Summarize(&sum))
	if r != "" {
		t.Fatalf("a linearizable queue was rejected:\n%s", r)
	}
	if !sum.Exhaustive {
		t.Errorf("%d runs did not explore every schedule", sum.Runs)
	}
}

func TestRecordReportsAHistoryThatIsNotLinearizable(t *testing.T) {
	dir := t.TempDir()
	body := func(t *harness.T) { useQueue(t, &slotQueue{reserve: true}, models.VisualizationDir(dir)) }
	r := explore(t, body, harness.Runs(2000))
	for _, want := range []string{
		`^interleave: invariant: not linearizable: no order of these 4 operations that respects their real-time order is a history of the FIFO queue model\n`,
		`\nhistory by goroutine, \[call, return\] on a logical clock:\n  g1:\s+\[\d+, \d+\] Put\(1\) → ok\n  g2:\s+\[\d+, \d+\] Put\(2\) → ok\n  g3:\s+\[\d+, \d+\] Len\(\) → 1\n\s+\[\d+, \d+\] TryGet\(\) → (empty|2)\n`,
		`\nthe longest order the model accepts: .*, and then none of the others\n`,
		`\nreplay: go test (-race )?\S+ -run '\^TestRecordReportsAHistoryThatIsNotLinearizable\$' -interleave.replay=\S+\n`,
	} {
		if !regexp.MustCompile(want).MatchString(r) {
			t.Errorf("report does not match %s:\n%s", want, r)
		}
	}
	m := regexp.MustCompile(`\nvisualization: (\S+)\n`).FindStringSubmatch(r)
	require.NotNil(t, m, "report names no visualization:\n%s", r)
	require.Regexp(t, `^`+regexp.QuoteMeta(dir)+`/TestRecordReportsAHistoryThatIsNotLinearizable-[0-9a-f]{8}\.html$`, m[1])
	html, err := os.ReadFile(m[1])
	require.NoError(t, err)
	require.Contains(t, string(html), "Len() → 1")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	t.Logf("%d files written in the exploration, its shrinking and its replay", len(files))

	// The token replays the run, and the check finds the same history.
	tok := r[strings.Index(r, "-interleave.replay=")+len("-interleave.replay="):]
	tok, _, _ = strings.Cut(tok, "\n")
	again := explore(t, body, harness.Replay(tok))
	require.Equal(t, firstLine(r), firstLine(again))
	require.Contains(t, again, m[1])
}

func TestUnknownIsNotOk(t *testing.T) {
	slow := models.Lock()
	step := slow.Step
	slow.Step = func(s, in, out any) (bool, any) {
		time.Sleep(20 * time.Millisecond)
		return step(s, in, out)
	}
	history := []porcupine.Operation{o(1, 1, 2, c("Lock"), ok), o(1, 3, 4, c("Unlock"), ok), o(2, 5, 6, c("Lock"), ok)}
	err := models.CheckHistory(slow, history, models.Timeout(time.Millisecond))
	var le *models.LinearizabilityError
	require.ErrorAs(t, err, &le)
	require.Equal(t, porcupine.Unknown, le.Result)
	require.Regexp(t, `^linearizability unknown: the check of 3 operations against the lock model ran out of its time budget \(models.Timeout raises it\)\nhistory by goroutine`, err.Error())
	require.NoError(t, models.CheckHistory(models.Lock(), history))
}

func TestOptionsApplyWhereTheySay(t *testing.T) {
	r := explore(t, func(t *harness.T) { models.Record(t, models.Lock(), models.Programs(3)) }, harness.Runs(1))
	require.Regexp(t, `^interleave: assertion: models: Programs applies to CheckStateMachine and RunProgram only\n`, r)
	require.EqualError(t, (&models.Recorder{}).Check(models.Lock(), models.Seed(3)), "models: Seed applies to CheckStateMachine and RunProgram only")
	for _, o := range []models.Option{models.Timeout(0), models.VisualizationDir(""), models.Programs(0), models.Goroutines(0), models.OpsPerGoroutine(0), models.RunsPerProgram(0)} {
		r := capture(t, func(t testing.TB) { models.CheckStateMachine(t, semaphoreMachine(false), o) })
		require.Regexp(t, `^models: \w+\(.*\): (.* must be positive|a directory is required)$`, r)
	}
}

func TestRecorderOutsideARun(t *testing.T) {
	var rec models.Recorder
	a := rec.Call(c("Put", 1))
	rec.Call(c("Get")) // never returns: left out
	a.Return(ok)
	ops, pending := rec.History()
	require.Len(t, ops, 1)
	require.Equal(t, 1, pending)
	require.Equal(t, int64(1), ops[0].Call)
	require.Equal(t, int64(3), ops[0].Return)
	require.NoError(t, rec.Check(models.FIFOQueue(0)))
	require.PanicsWithValue(t, "models: Invocation.Return called twice", func() { a.Return(ok) })

	g := rec.Call(c("Get"))
	g.Return(val(2))
	err := rec.Check(models.FIFOQueue(0), models.VisualizationDir(t.TempDir()))
	require.Error(t, err)
	require.Contains(t, err.Error(), "  outside: [1, 3] Put(1) → ok\n           [2, -] Get() → has not returned, left out\n           [4, 5] Get() → 2\n")
}
