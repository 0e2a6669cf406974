package cli

import (
	"fmt"
	"testing"
)

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		i, n int
		ok   bool
	}{
		{"0/1", 0, 1, true}, {"1/2", 1, 2, true}, {"9/10", 9, 10, true},
		{"3/2", 0, 0, false}, {"2/2", 0, 0, false}, {"x", 0, 0, false}, {"1/0", 0, 0, false},
		{"-1/2", 0, 0, false}, {"1/-2", 0, 0, false}, {"1/2x", 0, 0, false}, {"1/2/3", 0, 0, false},
		{"", 0, 0, false}, {"/2", 0, 0, false}, {" 1/2", 0, 0, false},
	} {
		i, n, err := parseShard(c.in)
		if (err == nil) != c.ok || c.ok && (i != c.i || n != c.n) {
			t.Errorf("parseShard(%q) = %d, %d, %v; want %d, %d, ok %v", c.in, i, n, err, c.i, c.n, c.ok)
		}
	}
}

// TestShardsSplitOneFuzz checks the plan behind fuzz -shard: the shards of
// one seed run every exploration of the single fuzz exactly once between
// them, never the same (test, strategy, seed) twice, and each goes through
// every test with every strategy within n cycles.
func TestShardsSplitOneFuzz(t *testing.T) {
	const seed = 42
	for _, targets := range []int{1, 2, 5, 12} {
		for _, shards := range []int{1, 2, 3, 4, 7} {
			t.Run(fmt.Sprintf("%d targets, %d shards", targets, shards), func(t *testing.T) {
				cycle := targets * len(fuzzStrategies)
				total := uint64(cycle * shards * 3)
				type exploration struct {
					target, strategy int
					seed             uint64
				}
				ranBy := map[exploration]int{}
				for i := range shards {
					p := fuzzPlan{targets: targets, strategies: len(fuzzStrategies), shard: i, shards: shards}
					pairs := map[[2]int]bool{}
					n := 0
					for k := p.next(0); k < total; k = p.next(k + 1) {
						tg, st := p.pick(k)
						e := exploration{tg, st, seedOf(seed, k)}
						if j, ok := ranBy[e]; ok {
							t.Fatalf("exploration %d (%+v) run by shards %d and %d", k, e, j, i)
						}
						ranBy[e] = i
						if k < uint64(cycle*shards) {
							pairs[[2]int{tg, st}] = true
						}
						n++
					}
					if len(pairs) != cycle {
						t.Errorf("shard %d/%d: %d of the %d (test, strategy) pairs in its first %d cycles, want all", i, shards, len(pairs), cycle, shards)
					}
					if want := int(total) / shards; n != want {
						t.Errorf("shard %d/%d: %d explorations of the first %d, want %d", i, shards, n, total, want)
					}
				}
				if len(ranBy) != int(total) {
					t.Errorf("the shards ran %d explorations of the first %d, want each once", len(ranBy), total)
				}
			})
		}
	}
}

func TestSeedsOfOneFuzzAreDistinct(t *testing.T) {
	for _, seed := range []uint64{1, 42, 1 << 63, ^uint64(0)} {
		seen := map[uint64]uint64{}
		for k := range uint64(200000) {
			s := seedOf(seed, k)
			if j, ok := seen[s]; ok {
				t.Fatalf("seed %d: explorations %d and %d share the seed %d", seed, j, k, s)
			}
			seen[s] = k
		}
	}
	if seedOf(1, 0) == seedOf(2, 0) {
		t.Errorf("fuzzes of seeds 1 and 2 start with the same seed")
	}
}
