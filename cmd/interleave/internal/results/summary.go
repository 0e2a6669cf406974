package results

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/interleave-go/interleave/harness/report"
)

// A Summary is what interleave test says at the end of a run over several
// packages, where the findings are far apart in go test's output.
type Summary struct {
	Packages     int // packages tested
	Explorations []Exploration
	Findings     []*report.Finding
	Elapsed      time.Duration
}

// Write writes the summary: the findings by kind, the packages and tests
// explored, the runs and the time, then each finding's first line and
// replay line.
//
//	interleave: 2 findings (1 deadlock, 1 assertion) in 2 of 13 packages
//	interleave: explored 12 tests in 12 packages: 5,104 runs in 3.2s
//	  github.com/x/accounts TestTransfersBothWays
//	    interleave: deadlock: all goroutines are blocked
//	    replay: interleave test -run '^TestTransfersBothWays$' -replay AgC... ./accounts
func (s Summary) Write(w io.Writer) {
	kinds := map[string]int{}
	pkgs := map[string]bool{}
	for _, f := range s.Findings {
		kinds[f.Kind]++
		pkgs[f.Package] = true
	}
	if len(s.Findings) == 0 {
		fmt.Fprintf(w, "interleave: no findings in %s\n", plural(s.Packages, "package"))
	} else {
		names := make([]string, 0, len(kinds))
		for k := range kinds {
			names = append(names, k)
		}
		sort.Slice(names, func(i, j int) bool {
			if kinds[names[i]] != kinds[names[j]] {
				return kinds[names[i]] > kinds[names[j]]
			}
			return names[i] < names[j]
		})
		var parts []string
		for _, k := range names {
			parts = append(parts, fmt.Sprintf("%d %s", kinds[k], k))
		}
		fmt.Fprintf(w, "interleave: %s (%s) in %d of %s\n", plural(len(s.Findings), "finding"),
			strings.Join(parts, ", "), len(pkgs), plural(s.Packages, "package"))
	}
	runs := 0
	explored := map[string]bool{}
	tests := map[[2]string]bool{}
	for _, x := range s.Explorations {
		runs += x.Runs
		explored[x.Package] = true
		tests[[2]string{x.Package, x.Test}] = true
	}
	fmt.Fprintf(w, "interleave: explored %s in %s: %s in %s\n", plural(len(tests), "test"),
		plural(len(explored), "package"), plural(runs, "run"), s.Elapsed.Round(100*time.Millisecond))
	for _, f := range s.Findings {
		fmt.Fprintf(w, "  %s %s\n    %s\n    replay: %s\n", f.Package, f.Test, FirstLine(f), f.Replay)
	}
}

// plural says "1 test", "2 tests", "1,204 runs".
func plural(n int, noun string) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if n != 1 {
		noun += "s"
	}
	return s + " " + noun
}
