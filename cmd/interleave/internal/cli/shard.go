package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/interleave-go/interleave/harness"
)

// parseShard reads the value of a -shard flag, i/n. The rule is the
// harness's (harness.CheckShard, what -interleave.shard takes); the whole
// value must be the two numbers, so that "1/2x" or "1/2/3" is an error
// rather than the first part of it.
func parseShard(s string) (i, n int, err error) {
	if err := harness.CheckShard(s); err != nil {
		return 0, 0, err
	}
	a, b, _ := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("shard %q: want i/n with 0 <= i < n", s)
	}
	return i, n, nil
}

// A fuzzPlan numbers the explorations of a fuzz: exploration k tests
// target k mod T with strategy (k div T) mod S, where T is the number of
// targets and S of strategies, and the seed seedOf(k). A cycle is T*S
// explorations, every (test, strategy) pair once.
//
// With shards, exploration k, of target t and strategy s in cycle c,
// belongs to shard (t + s + c) mod n: the shards split the one sequence a
// single fuzz would run, so n of them for a duration together run what one
// would in n times as long, and no exploration is run by two. Adding s and
// c, rather than taking every n-th exploration, makes each shard go
// through every test with every strategy within n cycles: with one test
// and six strategies, every 2nd exploration would give a shard three
// strategies for ever, and with tests and their fixed twins in turn, one
// shard all the buggy ones.
type fuzzPlan struct {
	targets, strategies int
	shard, shards       int // shards 0: one fuzz, all of it
}

// owns reports whether exploration k is this shard's.
func (p fuzzPlan) owns(k uint64) bool {
	if p.shards <= 1 {
		return true
	}
	t, s := p.pick(k)
	c := k / uint64(p.targets*p.strategies)
	return (uint64(t)+uint64(s)+c)%uint64(p.shards) == uint64(p.shard)
}

// next returns the first exploration from k on that is this shard's.
func (p fuzzPlan) next(k uint64) uint64 {
	for !p.owns(k) {
		k++
	}
	return k
}

// pick returns the target and strategy indexes of exploration k.
func (p fuzzPlan) pick(k uint64) (target, strategy int) {
	t := uint64(p.targets)
	return int(k % t), int(k / t % uint64(p.strategies))
}

// seedOf returns the seed of exploration k of a fuzz seeded with seed: the
// k-th output of SplitMix64 started at seed. Its state steps by an odd
// constant and its output function is a bijection, so two explorations of
// one fuzz never share a seed, whichever shards run them.
func seedOf(seed, k uint64) uint64 {
	z := seed + (k+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
