// Package flight keeps the exploration in progress in a memory-mapped
// file: the test, the replay line it prints, and the decisions of the run
// under way, written as they are made. When the test binary dies (a fatal
// error of the Go runtime, go test's timeout, a kill), the process's
// memory is gone but the file holds what it last wrote, and the interleave
// tool can still say which test was running and print the replay line of
// the schedule in progress.
package flight

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"
)

// TokenMark stands for the token in the replay line of a record.
const TokenMark = "{{token}}"

// The states of a record.
const (
	Idle      = 0 // no exploration in progress
	Exploring = 1 // between runs
	Running   = 2 // in a run
)

// Layout of a record (little endian).
const (
	offMagic    = 0
	offState    = 8
	offCount    = 12
	offOverflow = 16
	offRun      = 20
	offSeed     = 24
	offEpoch    = 32
	offLatency  = 40
	offMaxSteps = 48
	offWindow   = 56
	offTestLen  = 64
	offLineLen  = 68
	offTest     = 72
	maxTest     = 1024
	offLine     = offTest + maxTest
	maxLine     = 4096
	offDec      = offLine + maxLine
	size        = 1 << 20
	magic       = "ILFLIGHT"
)

// A Recorder writes the record of one process. A nil *Recorder records
// nothing.
type Recorder struct {
	mem []byte
}

// Open creates dir/<pid>.flight and maps it.
func Open(dir string) (*Recorder, error) {
	path := fmt.Sprintf("%s/%d.flight", dir, os.Getpid())
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return nil, err
	}
	mem, err := mapFile(f, size)
	if err != nil {
		return nil, err
	}
	copy(mem[offMagic:], magic)
	return &Recorder{mem: mem}, nil
}

// Explore records that the exploration of test began; line is its replay
// line with TokenMark for the token.
//
//go:norace
func (r *Recorder) Explore(test, line string) {
	if r == nil {
		return
	}
	test, line = clip(test, maxTest), clip(line, maxLine)
	binary.LittleEndian.PutUint32(r.mem[offTestLen:], uint32(len(test)))
	copy(r.mem[offTest:], test)
	binary.LittleEndian.PutUint32(r.mem[offLineLen:], uint32(len(line)))
	copy(r.mem[offLine:], line)
	binary.LittleEndian.PutUint32(r.mem[offState:], Exploring)
}

// Done records that the exploration ended.
//
//go:norace
func (r *Recorder) Done() {
	if r == nil {
		return
	}
	binary.LittleEndian.PutUint32(r.mem[offState:], Idle)
}

// BeginRun records the start of run number run with what shapes it
// besides its decisions.
//
//go:norace
func (r *Recorder) BeginRun(run int, seed uint64, epoch int64, latency time.Duration, maxSteps, window int) {
	if r == nil {
		return
	}
	m := r.mem
	binary.LittleEndian.PutUint32(m[offCount:], 0)
	binary.LittleEndian.PutUint32(m[offOverflow:], 0)
	binary.LittleEndian.PutUint32(m[offRun:], uint32(run))
	binary.LittleEndian.PutUint64(m[offSeed:], seed)
	binary.LittleEndian.PutUint64(m[offEpoch:], uint64(epoch))
	binary.LittleEndian.PutUint64(m[offLatency:], uint64(latency))
	binary.LittleEndian.PutUint64(m[offMaxSteps:], uint64(maxSteps))
	binary.LittleEndian.PutUint64(m[offWindow:], uint64(window))
	if binary.LittleEndian.Uint32(m[offState:]) != Idle {
		binary.LittleEndian.PutUint32(m[offState:], Running)
	}
}

// Decision records the i-th decision of the run in progress.
//
//go:norace
func (r *Recorder) Decision(i, g, c int) {
	if r == nil {
		return
	}
	off := offDec + 8*i
	if off+8 > len(r.mem) {
		binary.LittleEndian.PutUint32(r.mem[offOverflow:], 1)
		return
	}
	binary.LittleEndian.PutUint32(r.mem[off:], uint32(int32(g)))
	binary.LittleEndian.PutUint32(r.mem[off+4:], uint32(int32(c)))
	binary.LittleEndian.PutUint32(r.mem[offCount:], uint32(i+1))
}

// EndRun records that the run in progress ended.
//
//go:norace
func (r *Recorder) EndRun() {
	if r == nil {
		return
	}
	if binary.LittleEndian.Uint32(r.mem[offState:]) == Running {
		binary.LittleEndian.PutUint32(r.mem[offState:], Exploring)
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// A Record is what a dead process's file holds.
type Record struct {
	State     int
	Test      string
	Line      string // the replay line, with TokenMark for the token
	Run       int
	Seed      uint64
	Epoch     int64
	Latency   time.Duration
	MaxSteps  int
	Window    int
	Decisions [][2]int // goroutine and case of each decision
	Overflow  bool     // more decisions than the file holds: the schedule is cut
}

// Read reads a record written by Open's Recorder.
func Read(path string) (*Record, error) {
	m, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(m) < offDec || string(m[:len(magic)]) != magic {
		return nil, errors.New(path + ": not a flight record")
	}
	le := binary.LittleEndian
	rec := &Record{
		State: int(le.Uint32(m[offState:])), Run: int(le.Uint32(m[offRun:])),
		Seed: le.Uint64(m[offSeed:]), Epoch: int64(le.Uint64(m[offEpoch:])),
		Latency: time.Duration(le.Uint64(m[offLatency:])), MaxSteps: int(le.Uint64(m[offMaxSteps:])),
		Window: int(le.Uint64(m[offWindow:])), Overflow: le.Uint32(m[offOverflow:]) != 0,
	}
	tl, ll := min(int(le.Uint32(m[offTestLen:])), maxTest), min(int(le.Uint32(m[offLineLen:])), maxLine)
	rec.Test, rec.Line = string(m[offTest:offTest+tl]), string(m[offLine:offLine+ll])
	n := int(le.Uint32(m[offCount:]))
	for i := range n {
		off := offDec + 8*i
		if off+8 > len(m) {
			break
		}
		rec.Decisions = append(rec.Decisions, [2]int{int(int32(le.Uint32(m[off:]))), int(int32(le.Uint32(m[off+4:])))})
	}
	return rec, nil
}
