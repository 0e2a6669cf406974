// Package report is the form in which interleave keeps a finding: the
// failure of one explored run, with its minimized trace and the token that
// replays it. The harness writes findings as JSON (the -interleave.findings
// flag, `interleave test -json`, the corpus of `interleave fuzz`), and
// WriteHTML draws one as a self-contained page with a lane per goroutine.
//
// The package needs only the standard library, so that the harness, which
// instrumented builds carry, can use it.
package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Version is the version of the Finding format this package writes.
const Version = 1

// A Finding is one failure of an exploration.
type Finding struct {
	Version int    `json:"version"`
	Package string `json:"package"`           // import path of the test's package
	Test    string `json:"test"`              // full test name, subtests included: "TestX/case"
	Kind    string `json:"kind"`              // panic, assertion, invariant, deadlock, leak, race, step-limit, watchdog, nondeterminism
	Message string `json:"message"`           // what broke, one line
	Token   string `json:"token"`             // replays the run
	Replay  string `json:"replay"`            // the command line that replays it
	Found   string `json:"found"`             // "run 4 of 1000, portfolio(...); shrunk from ..."
	Details string `json:"details,omitempty"` // a panic's stack, a race report...
	// Timing, when set, says what the schedule assumes of the scheduler:
	// a goroutine that could go on waited for its turn while a timer
	// fired (the "timing:" line of the text report).
	Timing string `json:"timing,omitempty"`

	// FailG is the goroutine the failure is charged to (-1: none, as for
	// a deadlock), and FailStep the step at which it happened.
	FailG    int `json:"fail_g"`
	FailStep int `json:"fail_step"`

	Steps      []Step      `json:"steps"`
	Goroutines []Goroutine `json:"goroutines"`
	Log        []LogLine   `json:"log,omitempty"`
	Time       time.Time   `json:"time"`

	// Report is the text the test printed for the finding (its first
	// line is "interleave: KIND: MESSAGE"); interleave test's -findings
	// and -junit carry it, a corpus file does not.
	Report string `json:"report,omitempty"`
}

// A Step is one transition of the run.
type Step struct {
	Step    int    `json:"step"`
	G       int    `json:"g"`                // the goroutine; -1 is the clock (a timer firing)
	Op      string `json:"op"`               // "Lock", "send", "start", "timer fires"...
	Object  string `json:"object,omitempty"` // as the source calls it ("from.mu", "from.mu#2" for one of two), or by kind ("sync.Mutex#1")
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Func    string `json:"func,omitempty"`
	Partner int    `json:"partner"`           // the other goroutine of a rendezvous, or -1
	Clock   int64  `json:"clock_ns"`          // virtual time after the step, since the run began
	Preempt bool   `json:"preempt,omitempty"` // a switch away from a goroutine that could go on
}

// A Goroutine is a goroutine's state when the run ended.
type Goroutine struct {
	G       int    `json:"g"`
	Func    string `json:"func,omitempty"` // the function it runs, as the source calls it: "Transfer", "s.run"
	State   string `json:"state"`          // "returned", "blocked: Lock to.mu#2 (held by g2)"...
	Blocked bool   `json:"blocked,omitempty"`
	File    string `json:"file,omitempty"` // where it stopped
	Line    int    `json:"line,omitempty"`
	Stack   string `json:"stack,omitempty"`
}

// A LogLine is a line the test logged or an error it reported.
type LogLine struct {
	G     int    `json:"g"` // -1: from outside the run
	Text  string `json:"text"`
	Error bool   `json:"error,omitempty"`
	File  string `json:"file,omitempty"` // where an error was reported (the check's line)
	Line  int    `json:"line,omitempty"`
}

// Key is what makes two findings the same bug: the test, the kind of
// failure, its message with numbers blotted out (a lost update loses a
// different count in each schedule; a list of numbers counts as one), and the source lines involved: where
// each blocked goroutine waits, for a deadlock or a leak; where the failing
// goroutine stopped, for the other kinds. Goroutine numbers and the steps
// that led there do not count.
func (f *Finding) Key() string {
	lines := map[string]bool{}
	for _, g := range f.Goroutines {
		if g.File == "" {
			continue
		}
		switch f.Kind {
		case "deadlock", "leak":
			if !g.Blocked {
				continue
			}
		default:
			if g.G != f.FailG {
				continue
			}
		}
		lines[fmt.Sprintf("%s:%d", filepath.Base(g.File), g.Line)] = true
	}
	keys := make([]string, 0, len(lines))
	for l := range lines {
		keys = append(keys, l)
	}
	sort.Strings(keys)
	msg := numbers.ReplaceAllString(digits.ReplaceAllString(f.Message, "#"), "#")
	return f.Test + "\x00" + f.Kind + "\x00" + msg + "\x00" + strings.Join(keys, " ")
}

var (
	digits  = regexp.MustCompile(`[0-9]+`)
	numbers = regexp.MustCompile(`#([ ,]+#)+`) // a list of numbers of any length
)

// ID is a short name for the finding, the same for findings with the same
// Key: the name of its file in a corpus.
func (f *Finding) ID() string {
	sum := sha256.Sum256([]byte(f.Key()))
	return hex.EncodeToString(sum[:8])
}

// Marshal returns the finding as indented JSON.
func (f *Finding) Marshal() ([]byte, error) {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// WriteFile writes the finding to path atomically: a reader, or a process
// killed while writing, sees the whole file or none.
func (f *Finding) WriteFile(path string) error {
	data, err := f.Marshal()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Parse reads a finding from JSON, checking what a replay needs.
func Parse(data []byte) (*Finding, error) {
	var f Finding
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a finding: %v", err)
	}
	if f.Version != Version {
		return nil, fmt.Errorf("finding format version %d, want %d", f.Version, Version)
	}
	if f.Token == "" || f.Test == "" {
		return nil, errors.New("not a finding: no token or no test")
	}
	return &f, nil
}

// ReadFile reads a finding from a file.
func ReadFile(path string) (*Finding, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return f, nil
}

// CorpusDir is where a package's corpus keeps the findings of a test,
// relative to the package's directory: testdata/interleave/<Test>, a
// subtest's name making subdirectories.
func CorpusDir(test string) string {
	parts := strings.Split(test, "/")
	for i, p := range parts {
		parts[i] = sanitize(p)
	}
	return filepath.Join(append([]string{"testdata", "interleave"}, parts...)...)
}

// sanitize keeps a test name usable as a file name.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 || s == "." || s == ".." {
		return "_"
	}
	return b.String()
}

// RunPattern is the -run pattern that selects exactly the named test,
// subtests included ("TestX/case" gives "^TestX$/^case$").
func RunPattern(test string) string {
	parts := strings.Split(test, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// WalkCorpus calls fn for each file of the corpus of the package in dir
// (dir/testdata/interleave, every test's): with the finding it holds, or
// with the error that makes it none.
func WalkCorpus(dir string, fn func(path string, f *Finding, err error)) {
	filepath.WalkDir(filepath.Join(dir, "testdata", "interleave"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		f, err := ReadFile(path)
		fn(path, f, err)
		return nil
	})
}
