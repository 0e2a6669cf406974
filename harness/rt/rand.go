package rt

import (
	"math/rand"
	randv2 "math/rand/v2"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// The global functions of math/rand and math/rand/v2 draw, in a controlled
// goroutine, from the run's own source, which the run's seed determines:
// a replay draws the same numbers. rand.Intn(n) becomes
// rt.RandV1().Intn(n), rand.IntN(n) (v2) becomes rt.RandV2().IntN(n).

// runSource is the run's source, as seen from one goroutine.
type runSource struct {
	r *engine.Run
	h *engine.Handle
}

func (s runSource) Uint64() uint64 { return s.r.Rand(s.h) }
func (s runSource) Int63() int64   { return int64(s.r.Rand(s.h) >> 1) }
func (s runSource) Seed(int64)     {} // the run's seed decides

// global1 and global2 are the global sources, for goroutines outside
// explorations. Their *rand.Rand are shared: they keep no state of their
// own besides the source (but for Read, which is not rewritten).
type global1 struct{}

func (global1) Int63() int64    { return rand.Int63() }
func (global1) Uint64() uint64  { return rand.Uint64() }
func (global1) Seed(seed int64) { rand.Seed(seed) } //nolint:staticcheck // what rand.Seed does

type global2 struct{}

func (global2) Uint64() uint64 { return randv2.Uint64() }

var (
	shared1 = rand.New(global1{})
	shared2 = randv2.New(global2{})
)

// RandV1 returns the source of math/rand's global functions for the
// calling goroutine.
func RandV1() *rand.Rand {
	if r, h := engine.Current(); r != nil {
		return rand.New(runSource{r, h})
	}
	return shared1
}

// RandV2 returns the source of math/rand/v2's global functions for the
// calling goroutine.
func RandV2() *randv2.Rand {
	if r, h := engine.Current(); r != nil {
		return randv2.New(runSource{r, h})
	}
	return shared2
}

type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// RandN is math/rand/v2.N.
func RandN[Int integer](n Int) Int {
	if r, _ := engine.Current(); r == nil {
		return randv2.N(n)
	}
	if n <= 0 {
		panic("invalid argument to N")
	}
	return Int(RandV2().Uint64N(uint64(n)))
}
