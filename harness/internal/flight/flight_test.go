package flight

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRecordSurvivesAsWritten(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir)
	require.NoError(t, err)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.flight"))
	require.Len(t, paths, 1)
	read := func() *Record {
		rec, err := Read(paths[0])
		require.NoError(t, err)
		return rec
	}
	require.Equal(t, Idle, read().State)

	r.Explore("TestX/sub", "interleave test -run '^TestX$/^sub$' -replay "+TokenMark+" .")
	r.BeginRun(6, 42, 1795000000, 15*time.Millisecond, 5000, 500)
	r.Decision(0, 1, -1)
	r.Decision(1, -1, -1)
	r.Decision(2, 2, 3)
	got := read()
	require.Equal(t, Running, got.State)
	require.Equal(t, "TestX/sub", got.Test)
	require.Equal(t, 6, got.Run)
	require.Equal(t, uint64(42), got.Seed)
	require.Equal(t, int64(1795000000), got.Epoch)
	require.Equal(t, 15*time.Millisecond, got.Latency)
	require.Equal(t, 5000, got.MaxSteps)
	require.Equal(t, 500, got.Window)
	require.Equal(t, [][2]int{{1, -1}, {-1, -1}, {2, 3}}, got.Decisions)
	require.False(t, got.Overflow)

	r.EndRun()
	require.Equal(t, Exploring, read().State)
	r.BeginRun(7, 1, 0, 0, 10, 1)
	require.Empty(t, read().Decisions, "a new run starts with no decisions")
	r.Decision((size-offDec)/8, 1, 1)
	require.True(t, read().Overflow)
	r.Done()
	require.Equal(t, Idle, read().State)

	var none *Recorder // records nothing, and does not crash
	none.Explore("T", "")
	none.BeginRun(0, 0, 0, 0, 0, 0)
	none.Decision(0, 0, 0)
	none.EndRun()
	none.Done()
}

func TestReadRejectsOtherFiles(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "missing.flight"))
	require.Error(t, err)
	_, err = Read("flight.go")
	require.ErrorContains(t, err, "not a flight record")
}
