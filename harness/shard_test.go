package harness_test

import (
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// finishOrder returns the order in which three goroutines finish: a
// fingerprint of the schedule.
func finishOrder(t *harness.T) string {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var order strings.Builder
	rt.WaitGroupAdd(&wg, 3)
	for i := range 3 {
		rt.Go(func() {
			defer rt.WaitGroupDone(&wg)
			rt.Lock(&mu)
			fmt.Fprint(&order, i)
			rt.Unlock(&mu)
		})
	}
	rt.WaitGroupWait(&wg)
	return order.String()
}

func TestShardsTogetherCoverTheWhole(t *testing.T) {
	for _, s := range []harness.StrategySpec{harness.Random(), harness.PCT(3), harness.Portfolio()} {
		whole := outcomes(t, finishOrder, harness.Strategy(s), harness.Runs(60))
		parts := map[string]int{}
		for i := range 4 {
			for k, n := range outcomes(t, finishOrder, harness.Strategy(s), harness.Runs(60), harness.Shard(i, 4)) {
				parts[k] += n
			}
		}
		if !maps.Equal(whole, parts) {
			t.Errorf("%s: 4 shards ran %v, one exploration %v", s, parts, whole)
		}
	}
	// Exhaustive search: the shards' schedules together show every
	// outcome of the whole search, and each shard covers its share.
	for _, s := range []harness.StrategySpec{harness.DFS(), harness.BoundedDFS(-1)} {
		exhaustAll := func(opts ...harness.Option) (map[string]int, harness.Summary) {
			var sum harness.Summary
			opts = append(opts, harness.Strategy(s), harness.Summarize(&sum), harness.Runs(100_000))
			return outcomes(t, finishOrder, opts...), sum
		}
		want, whole := exhaustAll()
		got, total := map[string]int{}, 0
		for i := range 3 {
			part, sum := exhaustAll(harness.Shard(i, 3))
			if !sum.Exhaustive {
				t.Errorf("%s shard %d/3 not exhaustive: %+v", s, i, sum)
			}
			for k := range part {
				got[k]++
			}
			total += sum.Schedules
		}
		if !maps.Equal(keysOf(want), keysOf(got)) {
			t.Errorf("%s: the shards' outcomes %v, the whole search's %v", s, keysOf(got), keysOf(want))
		}
		if s.String() == "dfs:all" && total != whole.Schedules {
			t.Errorf("%s: the shards ran %d schedules in all, the whole search %d", s, total, whole.Schedules)
		}
		t.Logf("%s: %d schedules unsharded, %d in 3 shards", s, whole.Schedules, total)
	}
}

func keysOf(m map[string]int) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}
