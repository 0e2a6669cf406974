package instrument

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// BenchmarkStrategies measures how many runs each strategy needs to find
// the bug of each program of testdata/bugs and of each buggy example of
// examples/: the median over 20 seeds, and how many seeds found it within
// the budget. It builds each package's test binary once, instrumented, and
// runs it per strategy and seed:
//
//	go test ./harness/instrument -run '^$' -bench Strategies -benchtime 1x
func BenchmarkStrategies(b *testing.B) {
	const seeds, budget = 20, 10000
	suites := []struct {
		dir      string
		programs []string
	}{
		{"../../testdata/bugs", []string{"abba", "doublelock", "condwakeup", "wgforever", "selectleak", "ctxleak", "closedsend", "lostupdate", "rwrecursive", "ordering"}},
		{"../../examples", []string{"accounts", "counter", "inventory", "jobqueue", "pipeline", "ratelimit"}},
	}
	strategies := []string{"random", "pct", "pct:2", "pos", "portfolio", "rff", "dfs"}
	found := regexp.MustCompile(`found in run (\d+) of`)
	for _, suite := range suites {
		dir, err := filepath.Abs(suite.dir)
		if err != nil {
			b.Fatal(err)
		}
		var patterns []string
		for _, p := range suite.programs {
			patterns = append(patterns, "./"+p)
		}
		build, err := Prepare(Config{Dir: dir, Patterns: patterns, CacheDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		defer build.Close()
		bin := b.TempDir()
		args := append(append([]string{"test", "-c", "-o", bin + "/"}, build.Flags()...), patterns...)
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, Env(nil)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go test -c: %v\n%s", err, out)
		}
		for _, prog := range suite.programs {
			for _, strat := range strategies {
				b.Run("program="+prog+"/strategy="+strat, func(b *testing.B) {
					var runs []int
					hits := 0
					n := seeds
					if strat == "dfs" {
						n = 1 // deterministic
					}
					for range b.N {
						runs, hits = runs[:0], 0
						for seed := range n {
							cmd := exec.Command(filepath.Join(bin, prog+".test"), "-test.count=1",
								"-interleave.strategy="+strat, "-interleave.seed="+strconv.Itoa(seed),
								"-interleave.runs="+strconv.Itoa(budget), "-interleave.time=1m", "-interleave.shrink=false")
							cmd.Dir = filepath.Join(dir, prog)
							out, _ := cmd.CombinedOutput()
							if m := found.FindSubmatch(out); m != nil {
								r, _ := strconv.Atoi(string(m[1]))
								runs = append(runs, r)
								hits++
							} else {
								runs = append(runs, budget+1) // not found within the budget
							}
						}
					}
					slices.Sort(runs)
					b.ReportMetric(float64(runs[len(runs)/2]), "runs-median")
					b.ReportMetric(float64(hits), "found-of-"+strconv.Itoa(n))
				})
			}
		}
	}
}
