package rt

import (
	"math/rand"
	randv2 "math/rand/v2"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// The global functions of math/rand and math/rand/v2 draw, in a controlled
// goroutine, from the run: a draw below a small n (rand.Intn(4)) is a
// decision of the run's strategy, like the choice of the goroutine that
// runs next, so exhaustive search enumerates its values and the other
// strategies try them all; other draws (rand.Float64, rand.Int63n of a
// second in nanoseconds) come from the run's own source, which the run's
// seed determines. A replay draws the same numbers. rand.Intn(n) becomes
// rt.RandV1().Intn(n), rand.IntN(n) (v2) becomes rt.RandV2().IntN(n).

// runSource is the run's source, as seen from one goroutine.
type runSource struct {
	r *engine.Run
	h *engine.Handle
}

func (s runSource) Uint64() uint64 { return s.r.Rand(s.h) }
func (s runSource) Int63() int64   { return int64(s.r.Rand(s.h) >> 1) }
func (s runSource) Seed(int64)     {} // the run's seed decides

// draw returns a number in [0, n) for the calling goroutine, and whether
// it is controlled.
func draw(n uint64) (uint64, bool) {
	r, h := engine.Current()
	if r == nil {
		return 0, false
	}
	return r.Draw(h, n), true
}

// source1 and source2 return a generator over the run's source, or nil
// outside runs.
func source1() *rand.Rand {
	if r, h := engine.Current(); r != nil {
		return rand.New(runSource{r, h})
	}
	return nil
}

func source2() *randv2.Rand {
	if r, h := engine.Current(); r != nil {
		return randv2.New(runSource{r, h})
	}
	return nil
}

// Rand1 has the global functions of math/rand as methods. Each looks at
// the calling goroutine when called, so a method value taken outside a
// run (f := rand.Intn) draws from the run it is called in.
type Rand1 struct{}

// RandV1 returns the global functions of math/rand.
func RandV1() Rand1 { return Rand1{} }

// Intn is rand.Intn.
func (Rand1) Intn(n int) int {
	if n <= 0 {
		panic("invalid argument to Intn")
	}
	if v, ok := draw(uint64(n)); ok {
		return int(v)
	}
	return rand.Intn(n)
}

// Int63n is rand.Int63n.
func (Rand1) Int63n(n int64) int64 {
	if n <= 0 {
		panic("invalid argument to Int63n")
	}
	if v, ok := draw(uint64(n)); ok {
		return int64(v)
	}
	return rand.Int63n(n)
}

// Int31n is rand.Int31n.
func (Rand1) Int31n(n int32) int32 {
	if n <= 0 {
		panic("invalid argument to Int31n")
	}
	if v, ok := draw(uint64(n)); ok {
		return int32(v)
	}
	return rand.Int31n(n)
}

// Perm is rand.Perm.
func (Rand1) Perm(n int) []int {
	if _, _, ok := engineCurrent(); ok {
		return perm(n)
	}
	return rand.Perm(n)
}

// Shuffle is rand.Shuffle.
func (Rand1) Shuffle(n int, swap func(i, j int)) {
	if n < 0 {
		panic("invalid argument to Shuffle")
	}
	if _, _, ok := engineCurrent(); ok {
		shuffle(n, swap)
		return
	}
	rand.Shuffle(n, swap)
}

// Int is rand.Int.
func (Rand1) Int() int {
	if s := source1(); s != nil {
		return s.Int()
	}
	return rand.Int()
}

// Int31 is rand.Int31.
func (Rand1) Int31() int32 {
	if s := source1(); s != nil {
		return s.Int31()
	}
	return rand.Int31()
}

// Int63 is rand.Int63.
func (Rand1) Int63() int64 {
	if s := source1(); s != nil {
		return s.Int63()
	}
	return rand.Int63()
}

// Uint32 is rand.Uint32.
func (Rand1) Uint32() uint32 {
	if s := source1(); s != nil {
		return s.Uint32()
	}
	return rand.Uint32()
}

// Uint64 is rand.Uint64.
func (Rand1) Uint64() uint64 {
	if s := source1(); s != nil {
		return s.Uint64()
	}
	return rand.Uint64()
}

// Float32 is rand.Float32.
func (Rand1) Float32() float32 {
	if s := source1(); s != nil {
		return s.Float32()
	}
	return rand.Float32()
}

// Float64 is rand.Float64.
func (Rand1) Float64() float64 {
	if s := source1(); s != nil {
		return s.Float64()
	}
	return rand.Float64()
}

// ExpFloat64 is rand.ExpFloat64.
func (Rand1) ExpFloat64() float64 {
	if s := source1(); s != nil {
		return s.ExpFloat64()
	}
	return rand.ExpFloat64()
}

// NormFloat64 is rand.NormFloat64.
func (Rand1) NormFloat64() float64 {
	if s := source1(); s != nil {
		return s.NormFloat64()
	}
	return rand.NormFloat64()
}

// Rand2 has the global functions of math/rand/v2 as methods (see Rand1).
type Rand2 struct{}

// RandV2 returns the global functions of math/rand/v2.
func RandV2() Rand2 { return Rand2{} }

// IntN is rand.IntN.
func (Rand2) IntN(n int) int {
	if n <= 0 {
		panic("invalid argument to IntN")
	}
	if v, ok := draw(uint64(n)); ok {
		return int(v)
	}
	return randv2.IntN(n)
}

// Int64N is rand.Int64N.
func (Rand2) Int64N(n int64) int64 {
	if n <= 0 {
		panic("invalid argument to Int64N")
	}
	if v, ok := draw(uint64(n)); ok {
		return int64(v)
	}
	return randv2.Int64N(n)
}

// Int32N is rand.Int32N.
func (Rand2) Int32N(n int32) int32 {
	if n <= 0 {
		panic("invalid argument to Int32N")
	}
	if v, ok := draw(uint64(n)); ok {
		return int32(v)
	}
	return randv2.Int32N(n)
}

// UintN is rand.UintN.
func (Rand2) UintN(n uint) uint {
	if n == 0 {
		panic("invalid argument to UintN")
	}
	if v, ok := draw(uint64(n)); ok {
		return uint(v)
	}
	return randv2.UintN(n)
}

// Uint64N is rand.Uint64N.
func (Rand2) Uint64N(n uint64) uint64 {
	if n == 0 {
		panic("invalid argument to Uint64N")
	}
	if v, ok := draw(n); ok {
		return v
	}
	return randv2.Uint64N(n)
}

// Uint32N is rand.Uint32N.
func (Rand2) Uint32N(n uint32) uint32 {
	if n == 0 {
		panic("invalid argument to Uint32N")
	}
	if v, ok := draw(uint64(n)); ok {
		return uint32(v)
	}
	return randv2.Uint32N(n)
}

// Perm is rand.Perm.
func (Rand2) Perm(n int) []int {
	if n < 0 {
		panic("invalid argument to Perm")
	}
	if _, _, ok := engineCurrent(); ok {
		return perm(n)
	}
	return randv2.Perm(n)
}

// Shuffle is rand.Shuffle.
func (Rand2) Shuffle(n int, swap func(i, j int)) {
	if n < 0 {
		panic("invalid argument to Shuffle")
	}
	if _, _, ok := engineCurrent(); ok {
		shuffle(n, swap)
		return
	}
	randv2.Shuffle(n, swap)
}

// Int is rand.Int.
func (Rand2) Int() int {
	if s := source2(); s != nil {
		return s.Int()
	}
	return randv2.Int()
}

// Int32 is rand.Int32.
func (Rand2) Int32() int32 {
	if s := source2(); s != nil {
		return s.Int32()
	}
	return randv2.Int32()
}

// Int64 is rand.Int64.
func (Rand2) Int64() int64 {
	if s := source2(); s != nil {
		return s.Int64()
	}
	return randv2.Int64()
}

// Uint is rand.Uint.
func (Rand2) Uint() uint {
	if s := source2(); s != nil {
		return s.Uint()
	}
	return randv2.Uint()
}

// Uint32 is rand.Uint32.
func (Rand2) Uint32() uint32 {
	if s := source2(); s != nil {
		return s.Uint32()
	}
	return randv2.Uint32()
}

// Uint64 is rand.Uint64.
func (Rand2) Uint64() uint64 {
	if s := source2(); s != nil {
		return s.Uint64()
	}
	return randv2.Uint64()
}

// Float32 is rand.Float32.
func (Rand2) Float32() float32 {
	if s := source2(); s != nil {
		return s.Float32()
	}
	return randv2.Float32()
}

// Float64 is rand.Float64.
func (Rand2) Float64() float64 {
	if s := source2(); s != nil {
		return s.Float64()
	}
	return randv2.Float64()
}

// ExpFloat64 is rand.ExpFloat64.
func (Rand2) ExpFloat64() float64 {
	if s := source2(); s != nil {
		return s.ExpFloat64()
	}
	return randv2.ExpFloat64()
}

// NormFloat64 is rand.NormFloat64.
func (Rand2) NormFloat64() float64 {
	if s := source2(); s != nil {
		return s.NormFloat64()
	}
	return randv2.NormFloat64()
}

func engineCurrent() (*engine.Run, *engine.Handle, bool) {
	r, h := engine.Current()
	return r, h, r != nil
}

// perm is math/rand's Perm over the run's draws.
func perm(n int) []int {
	m := make([]int, n)
	for i := range m {
		j, _ := draw(uint64(i + 1))
		m[i] = m[j]
		m[j] = i
	}
	return m
}

// shuffle is a Fisher-Yates shuffle over the run's draws.
func shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		j, _ := draw(uint64(i + 1))
		swap(i, int(j))
	}
}

type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// RandN is math/rand/v2.N.
func RandN[Int integer](n Int) Int {
	if n <= 0 {
		panic("invalid argument to N")
	}
	if v, ok := draw(uint64(n)); ok {
		return Int(v)
	}
	return randv2.N(n)
}
