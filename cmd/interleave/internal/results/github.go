package results

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/interleave-go/interleave/harness/report"
)

// Annotation returns the GitHub Actions workflow command that shows a
// finding on a pull request's diff:
//
//	::error file=accounts/accounts.go,line=22,title=interleave deadlock::interleave: deadlock: all goroutines are blocked
//
// at the line a person should look at: for a deadlock or a leak, the
// operation a blocked goroutine waits in, in the code under test rather
// than in a test if one does; for a race, the racing access; otherwise the
// line that failed (the check that failed, the panic, the step of the
// failing goroutine). Lines in module, the tested packages' module, come
// first, then the other lines in root; the path is relative to root (the
// repository's root, where a pull request's diff is). Lines that skip
// says to (the module cache, GOROOT) are never chosen. With no line the
// command has no file: the finding shows in the run's summary, not on
// the diff.
func Annotation(f *report.Finding, root, module string, skip func(file string) bool) string {
	props := "title=" + property("interleave "+f.Kind)
	file, line, ok := place(f, root, module, skip)
	if !ok {
		file, line, ok = place(f, root, root, skip)
	}
	if ok {
		props = fmt.Sprintf("file=%s,line=%d,%s", property(file), line, props)
	}
	return "::error " + props + "::" + data(FirstLine(f))
}

// data escapes a workflow command's message; property also a property's
// value, in which ',' and ':' end it.
func data(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func property(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// A frame is a function and where it was, from a stack's text.
type frame struct {
	fn   string
	file string
	line int
}

// location is a line of a stack that says where: "\t/a/b.go:12 +0x1d".
var location = regexp.MustCompile(`^\s+(\S+\.go):(\d+)(?:\s|$)`)

// frames parses the stacks of a report's text: the goroutines' stacks
// ("f(...)\n\tfile:line"), a panic's (runtime/debug.Stack), a race
// detector's report.
func frames(text string) []frame {
	var out []frame
	fn := ""
	for _, l := range strings.Split(text, "\n") {
		if m := location.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[2])
			out = append(out, frame{fn: fn, file: m[1], line: n})
			continue
		}
		fn = strings.TrimSpace(l)
	}
	return out
}

// ours reports whether a frame is the harness's or the Go runtime's, not
// the program's.
func ours(fn string) bool {
	for _, p := range []string{"github.com/interleave-go/interleave/harness", "runtime.", "runtime/", "testing.", "panic("} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}

// place finds where to annotate a finding among the lines in within, and
// returns it relative to root.
func place(f *report.Finding, root, within string, skip func(string) bool) (string, int, bool) {
	under := func(dir, file string) (string, bool) {
		r, err := filepath.Rel(dir, file)
		if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return "", false
		}
		return filepath.ToSlash(r), true
	}
	rel := func(file string) (string, bool) {
		if file == "" || !filepath.IsAbs(file) || (skip != nil && skip(file)) {
			return "", false
		}
		if _, ok := under(within, file); !ok {
			return "", false
		}
		return under(root, file)
	}
	// first returns the first frame of fs in root, preferring one outside
	// tests: the code under test is where a fix goes.
	first := func(fs []frame, preferCode bool) (string, int, bool) {
		var test *frame
		var testRel string
		for i := range fs {
			if ours(fs[i].fn) {
				continue
			}
			r, ok := rel(fs[i].file)
			if !ok {
				continue
			}
			if !preferCode || !strings.HasSuffix(r, "_test.go") {
				return r, fs[i].line, true
			}
			if test == nil {
				test, testRel = &fs[i], r
			}
		}
		if test != nil {
			return testRel, test.line, true
		}
		return "", 0, false
	}
	switch f.Kind {
	case "deadlock", "leak":
		// Each blocked goroutine's innermost frame in root; then the first.
		var fs []frame
		for _, g := range f.Goroutines {
			if !g.Blocked {
				continue
			}
			for _, fr := range frames(g.Stack) {
				if _, ok := rel(fr.file); ok && !ours(fr.fn) {
					fs = append(fs, fr)
					break
				}
			}
		}
		if file, line, ok := first(fs, true); ok {
			return file, line, true
		}
	case "race":
		// The first access the race detector quotes: the racing one.
		if file, line, ok := first(frames(f.Details), false); ok {
			return file, line, true
		}
	case "panic", "watchdog":
		if file, line, ok := first(frames(f.Details), false); ok {
			return file, line, true
		}
	case "assertion", "invariant":
		for _, l := range f.Log {
			if r, ok := rel(l.File); ok && l.Error {
				return r, l.Line, true
			}
		}
	}
	// The failing goroutine's step at the failure, or its last before.
	var at *report.Step
	for i := range f.Steps {
		s := &f.Steps[i]
		if (f.FailG < 0 || s.G == f.FailG) && s.Step <= f.FailStep {
			if _, ok := rel(s.File); ok {
				at = s
			}
		}
	}
	if at != nil {
		r, _ := rel(at.File)
		return r, at.Line, true
	}
	return "", 0, false
}
