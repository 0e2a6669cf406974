// Package results puts what interleave test ran and found into the forms
// that the Go toolchain's users already read: the event stream of go test
// -json (cmd/test2json), JUnit XML, GitHub Actions annotations, and a
// closing summary.
package results

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/interleave-go/interleave/harness/report"
)

// An Event is a line of go test -json: cmd/test2json's TestEvent, with the
// fields the go command adds for builds.
type Event struct {
	Time        time.Time `json:",omitempty"`
	Action      string
	Package     string  `json:",omitempty"`
	ImportPath  string  `json:",omitempty"` // build-output and build-fail
	Test        string  `json:",omitempty"`
	Elapsed     float64 `json:",omitempty"` // seconds
	Output      string  `json:",omitempty"`
	FailedBuild string  `json:",omitempty"`
}

// A Run is what a go test -json stream says of the packages and tests it
// ran. The zero value is an empty run.
type Run struct {
	Packages []*Package // in the order the stream first names them
	pkgs     map[string]*Package
	builds   map[string][]string // build output by import path
}

// A Package is a package's tests and outcome.
type Package struct {
	Path    string
	Action  string // pass, fail or skip; "" if the stream does not say
	Elapsed float64
	Output  []string // the package's own lines: ok/FAIL, a TestMain's, a crash's
	Tests   []*Test
	tests   map[string]*Test
}

// A Test is a test's outcome and output.
type Test struct {
	Name    string
	Action  string // pass, fail or skip; "" if the test did not end (the binary died)
	Elapsed float64
	Output  []string
}

// Add adds an event of the stream.
func (r *Run) Add(e Event) {
	if r.pkgs == nil {
		r.pkgs = make(map[string]*Package)
		r.builds = make(map[string][]string)
	}
	switch e.Action {
	case "build-output":
		r.builds[e.ImportPath] = append(r.builds[e.ImportPath], e.Output)
		return
	case "build-fail", "start":
		return
	}
	if e.Package == "" {
		return
	}
	p := r.pkgs[e.Package]
	if p == nil {
		p = &Package{Path: e.Package, tests: make(map[string]*Test)}
		r.pkgs[e.Package] = p
		r.Packages = append(r.Packages, p)
	}
	if e.Test == "" {
		switch e.Action {
		case "output":
			p.Output = append(p.Output, e.Output)
		case "pass", "fail", "skip":
			p.Action, p.Elapsed = e.Action, e.Elapsed
			if e.FailedBuild != "" {
				p.Output = slices.Concat(r.builds[e.FailedBuild], p.Output)
			}
		}
		return
	}
	t := p.tests[e.Test]
	if t == nil {
		t = &Test{Name: e.Test}
		p.tests[e.Test] = t
		p.Tests = append(p.Tests, t)
	}
	switch e.Action {
	case "output":
		t.Output = append(t.Output, e.Output)
	case "pass", "fail", "skip":
		t.Action, t.Elapsed = e.Action, e.Elapsed
	}
}

// Read reads a go test -json stream from r, adding each event to run and
// handing each line to line, which may be nil, as it reads. A line that
// is not an event is handed over and otherwise ignored.
func (run *Run) Read(r io.Reader, line func(text []byte, e *Event)) error {
	br := bufio.NewReader(r)
	for {
		text, err := br.ReadBytes('\n')
		if len(text) > 0 {
			var e Event
			ep := &e
			if json.Unmarshal(text, &e) != nil || e.Action == "" {
				ep = nil
			} else {
				run.Add(e)
			}
			if line != nil {
				line(text, ep)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// ReadFindings reads the findings that test binaries wrote into dir
// (-interleave.findings), in the order of their packages and tests.
func ReadFindings(dir string) ([]*report.Finding, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []*report.Finding
	for _, p := range paths {
		f, err := report.ReadFile(p)
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		if a.Test != b.Test {
			return a.Test < b.Test
		}
		return a.Time.Before(b.Time)
	})
	return out, nil
}

// WriteFindings writes findings as JSON lines, one finding an object on
// a line: the -findings file of interleave test.
func WriteFindings(w io.Writer, findings []*report.Finding) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range findings {
		if err := enc.Encode(f); err != nil {
			return err
		}
	}
	return nil
}

// FirstLine returns the first line of a finding's report:
// "interleave: deadlock: all goroutines are blocked".
func FirstLine(f *report.Finding) string {
	if f.Report != "" {
		line, _, _ := strings.Cut(f.Report, "\n")
		return line
	}
	return "interleave: " + f.Kind + ": " + f.Message
}

// An Exploration is a line of the -interleave.explored file: an explored
// test and its runs.
type Exploration struct {
	Package string `json:"package"`
	Test    string `json:"test"`
	Runs    int    `json:"runs"`
	Failed  bool   `json:"failed"`
}

// ReadExplorations reads an -interleave.explored file; a missing one
// holds none.
func ReadExplorations(path string) ([]Exploration, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Exploration
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var x Exploration
		if err := json.Unmarshal([]byte(line), &x); err != nil {
			continue // a line cut by a binary that died while writing it
		}
		out = append(out, x)
	}
	return out, nil
}
