package harness_test

import (
	"testing"

	"github.com/interleave-go/interleave/harness"
)

func TestParseStrategy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ flag, name string }{
		{"random", "random(seed=3)"},
		{"pct", "pct(depth=3, seed=3)"},
		{"pct:2", "pct(depth=2, seed=3)"},
		{"pos", "pos(seed=3)"},
		{"rff", "rff(seed=3)"},
	} {
		spec, err := harness.ParseStrategy(c.flag)
		if err != nil {
			t.Errorf("ParseStrategy(%q): %v", c.flag, err)
			continue
		}
		var sum harness.Summary
		explore(t, func(*harness.T) {}, harness.Strategy(spec), harness.Seed(3), harness.Runs(1), harness.Summarize(&sum))
		if sum.Strategy != c.name {
			t.Errorf("ParseStrategy(%q): the exploration's strategy is %q, want %q", c.flag, sum.Strategy, c.name)
		}
	}
	if _, err := harness.ParseStrategy("rff:2"); err == nil {
		t.Errorf("ParseStrategy(%q): no error, want one", "rff:2")
	}
}
