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
// the bug of each program of testdata/bugs: the median over 20 seeds, and
// how many seeds found it within the budget. It builds each package's test
// binary once, instrumented, and runs it per strategy and seed:
//
//	go test ./harness/instrument -run '^$' -bench Strategies -benchtime 1x
func BenchmarkStrategies(b *testing.B) {
	const seeds, budget = 20, 10000
	programs := []string{"abba", "doublelock", "condwakeup", "wgforever", "selectleak", "ctxleak", "closedsend", "lostupdate", "rwrecursive", "ordering"}
	strategies := []string{"random", "pct", "pct:2", "pos", "portfolio", "dfs"}
	bugs, err := filepath.Abs("../../testdata/bugs")
	if err != nil {
		b.Fatal(err)
	}
	var patterns []string
	for _, p := range programs {
		patterns = append(patterns, "./"+p)
	}
	build, err := Prepare(Config{Dir: bugs, Patterns: patterns, CacheDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer build.Close()
	bin := b.TempDir()
	args := append(append([]string{"test", "-c", "-o", bin + "/"}, build.Flags()...), patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = bugs, Env(nil)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go test -c: %v\n%s", err, out)
	}
	found := regexp.MustCompile(`found in run (\d+) of`)
	for _, prog := range programs {
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
						cmd.Dir = filepath.Join(bugs, prog)
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
