package results_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/interleave-go/interleave/cmd/interleave/internal/results"
	"github.com/interleave-go/interleave/harness/report"
)

// stream is a go test -json stream of two packages: one whose test found
// a deadlock, one that passes and skips, and one that does not build.
const stream = `{"Action":"start","Package":"example.com/m/a"}
{"Action":"run","Package":"example.com/m/a","Test":"TestTransfer"}
{"Action":"output","Package":"example.com/m/a","Test":"TestTransfer","Output":"=== RUN   TestTransfer\n"}
{"Action":"output","Package":"example.com/m/a","Test":"TestTransfer","Output":"    a_test.go:8: interleave: deadlock: all goroutines are blocked\n"}
{"Action":"output","Package":"example.com/m/a","Test":"TestTransfer","Output":"--- FAIL: TestTransfer (0.01s)\n"}
{"Action":"fail","Package":"example.com/m/a","Test":"TestTransfer","Elapsed":0.01}
{"Action":"run","Package":"example.com/m/a","Test":"TestPlain"}
{"Action":"output","Package":"example.com/m/a","Test":"TestPlain","Output":"    a_test.go:20: goroutines outlived the test\n"}
{"Action":"fail","Package":"example.com/m/a","Test":"TestPlain","Elapsed":0}
{"Action":"output","Package":"example.com/m/a","Output":"FAIL\texample.com/m/a\t0.020s\n"}
{"Action":"fail","Package":"example.com/m/a","Elapsed":0.02}
not a JSON line
{"Action":"run","Package":"example.com/m/b","Test":"TestOK"}
{"Action":"pass","Package":"example.com/m/b","Test":"TestOK","Elapsed":0.5}
{"Action":"run","Package":"example.com/m/b","Test":"TestLater"}
{"Action":"output","Package":"example.com/m/b","Test":"TestLater","Output":"    b_test.go:3: not yet\n"}
{"Action":"skip","Package":"example.com/m/b","Test":"TestLater","Elapsed":0}
{"Action":"pass","Package":"example.com/m/b","Elapsed":0.6}
{"ImportPath":"example.com/m/c [example.com/m/c.test]","Action":"build-output","Output":"c.go:3:1: syntax error\n"}
{"ImportPath":"example.com/m/c [example.com/m/c.test]","Action":"build-fail"}
{"Action":"fail","Package":"example.com/m/c","Elapsed":0,"FailedBuild":"example.com/m/c [example.com/m/c.test]"}
`

var deadlock = &report.Finding{Version: report.Version, Package: "example.com/m/a", Test: "TestTransfer", Kind: "deadlock",
	Message: "all goroutines are blocked", Token: "X", Replay: "interleave test -run '^TestTransfer$' -replay X ./a",
	Report: "interleave: deadlock: all goroutines are blocked\n\ntrace...\n\nreplay: interleave test -run '^TestTransfer$' -replay X ./a\n"}

func read(t *testing.T) (*results.Run, []string) {
	t.Helper()
	var run results.Run
	var lines []string
	err := run.Read(strings.NewReader(stream), func(text []byte, e *results.Event) {
		if e == nil {
			lines = append(lines, string(text))
		}
	})
	require.NoError(t, err)
	return &run, lines
}

func TestRead(t *testing.T) {
	t.Parallel()
	run, other := read(t)
	assert.Equal(t, []string{"not a JSON line\n"}, other, "lines that are not events")
	require.Len(t, run.Packages, 3)
	a, b, c := run.Packages[0], run.Packages[1], run.Packages[2]
	assert.Equal(t, "fail", a.Action)
	assert.Equal(t, []string{"fail", "fail"}, []string{a.Tests[0].Action, a.Tests[1].Action})
	assert.Equal(t, []string{"pass", "skip"}, []string{b.Tests[0].Action, b.Tests[1].Action})
	assert.Equal(t, "fail", c.Action)
	assert.Equal(t, []string{"c.go:3:1: syntax error\n"}, c.Output, "a package that does not build has its build output")
}

// junit is the part of JUnit XML that readers use.
type junit struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Skipped   *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			Failures []struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestWriteJUnit(t *testing.T) {
	t.Parallel()
	run, _ := read(t)
	var buf bytes.Buffer
	require.NoError(t, results.WriteJUnit(&buf, run, []*report.Finding{deadlock}, time.Now(), time.Second))
	require.True(t, strings.HasPrefix(buf.String(), `<?xml version="1.0" encoding="UTF-8"?>`), "the XML header")
	var doc junit
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc), buf.String())
	assert.Equal(t, 5, doc.Tests, "testcases: 2, 2, and c's TestMain")
	assert.Equal(t, 3, doc.Failures)
	require.Len(t, doc.Suites, 3)

	a := doc.Suites[0]
	assert.Equal(t, "example.com/m/a", a.Name)
	require.Len(t, a.Cases, 2)
	tr := a.Cases[0]
	assert.Equal(t, []string{"example.com/m/a", "TestTransfer"}, []string{tr.Classname, tr.Name})
	require.Len(t, tr.Failures, 1, "a failure a finding")
	assert.Equal(t, "interleave: deadlock: all goroutines are blocked", tr.Failures[0].Message)
	assert.Equal(t, "deadlock", tr.Failures[0].Type)
	assert.Equal(t, deadlock.Report, tr.Failures[0].Text, "the report is the failure's text")
	plain := a.Cases[1]
	require.Len(t, plain.Failures, 1, "a test that failed without a finding")
	assert.Equal(t, "Failed", plain.Failures[0].Message)
	assert.Contains(t, plain.Failures[0].Text, "goroutines outlived the test")

	b := doc.Suites[1]
	assert.Equal(t, []int{2, 0, 1}, []int{b.Tests, b.Failures, b.Skipped})
	require.NotNil(t, b.Cases[1].Skipped)
	assert.Contains(t, b.Cases[1].Skipped.Message, "not yet")

	c := doc.Suites[2]
	require.Len(t, c.Cases, 1)
	assert.Equal(t, "TestMain", c.Cases[0].Name, "a package that fails outside its tests")
	assert.Contains(t, c.Cases[0].Failures[0].Text, "syntax error")
}

func TestAnnotation(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	module := filepath.Join(repo, "svc")
	cache := filepath.Join(repo, "go", "pkg", "mod") + string(filepath.Separator)
	skip := func(file string) bool { return strings.HasPrefix(file, cache) }
	in := func(parts ...string) string { return filepath.Join(append([]string{module}, parts...)...) }
	stack := func(fn, file string, line int) string {
		return fn + "(...)\n\t" + file + ":" + strconv.Itoa(line) + "\n"
	}
	cases := []struct {
		name string
		f    report.Finding
		want string
	}{
		{"deadlock: the blocked operation in the code under test, not in the test", report.Finding{Kind: "deadlock", Message: "all goroutines are blocked", FailG: -1,
			Goroutines: []report.Goroutine{
				{G: 0, Blocked: true, Stack: stack("m.TestX.func1", in("a", "a_test.go"), 14)},
				{G: 1, Blocked: true, Stack: stack("m.Transfer", in("a", "a.go"), 22) + stack("m.TestX.func1.1", in("a", "a_test.go"), 12)},
			}},
			"::error file=svc/a/a.go,line=22,title=interleave deadlock::interleave: deadlock: all goroutines are blocked"},
		{"leak: blocked in a dependency, the module's line that called it", report.Finding{Kind: "leak", Message: "1 goroutine still blocked", FailG: -1,
			Goroutines: []report.Goroutine{
				{G: 1, Blocked: true, Stack: stack("dep.Wait", cache+"dep@v1/dep.go", 7) + stack("m.run", in("a", "a.go"), 40)},
			}},
			"::error file=svc/a/a.go,line=40,title=interleave leak::interleave: leak: 1 goroutine still blocked"},
		{"race: the first access quoted", report.Finding{Kind: "race", Message: "1 data race", FailG: 1,
			Details: "WARNING: DATA RACE\nRead at 0x00c by goroutine 8:\n  m.(*C).Get()\n      " + in("c.go") + ":17 +0x4d\n\nPrevious write at 0x00c by goroutine 7:\n  m.(*C).Get()\n      " + in("c.go") + ":24 +0x1d\n"},
			"::error file=svc/c.go,line=17,title=interleave race::interleave: race: 1 data race"},
		{"panic: the line that panicked, past the runtime's and the harness's", report.Finding{Kind: "panic", Message: "boom (in g0)", FailG: 0,
			Details: "goroutine 28 [running]:\nruntime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e\npanic({0x6, 0x7})\n\t/usr/local/go/src/runtime/panic.go:860 +0x13a\ngithub.com/interleave-go/interleave/harness/internal/engine.(*Run).goMain()\n\t" + in("x.go") + ":1 +0x1\nm.boom()\n\t" + in("b.go") + ":9 +0x25\n"},
			"::error file=svc/b.go,line=9,title=interleave panic::interleave: panic: boom (in g0)"},
		{"assertion: the check that failed", report.Finding{Kind: "assertion", Message: "n = 1, want 2", FailG: 0,
			Log: []report.LogLine{{G: 0, Text: "started"}, {G: 0, Text: "n = 1, want 2", Error: true, File: in("n_test.go"), Line: 31}}},
			"::error file=svc/n_test.go,line=31,title=interleave assertion::interleave: assertion: n = 1, want 2"},
		{"step-limit: the failing goroutine's step", report.Finding{Kind: "step-limit", Message: "500 steps", FailG: 1, FailStep: 3,
			Steps: []report.Step{{Step: 1, G: 0, File: in("s.go"), Line: 1}, {Step: 2, G: 1, File: in("s.go"), Line: 5}, {Step: 4, G: 1, File: in("s.go"), Line: 9}}},
			"::error file=svc/s.go,line=5,title=interleave step-limit::interleave: step-limit: 500 steps"},
		{"nowhere in the repository: no file", report.Finding{Kind: "deadlock", Message: "all goroutines are blocked", FailG: -1,
			Goroutines: []report.Goroutine{{G: 1, Blocked: true, Stack: stack("dep.Wait", cache+"dep@v1/dep.go", 7)}}},
			"::error title=interleave deadlock::interleave: deadlock: all goroutines are blocked"},
		{"escapes: % and newlines in the message, , and : in properties", report.Finding{Kind: "assertion", Message: "100% done,\r\nnot: really", FailG: 0,
			Log: []report.LogLine{{Error: true, File: in("a, b:c.go"), Line: 2}}},
			"::error file=svc/a%2C b%3Ac.go,line=2,title=interleave assertion::interleave: assertion: 100%25 done,%0D%0Anot: really"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, results.Annotation(&c.f, repo, module, skip))
		})
	}
	// A line in another module of the repository when the tested one has
	// none (a replaced module beside it).
	f := report.Finding{Kind: "panic", Message: "x", Details: "m.f()\n\t" + filepath.Join(repo, "lib", "l.go") + ":3 +0x1\n"}
	assert.Equal(t, "::error file=lib/l.go,line=3,title=interleave panic::interleave: panic: x", results.Annotation(&f, repo, module, skip))
}

func TestSummary(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	assertion := *deadlock
	assertion.Kind, assertion.Package, assertion.Report = "assertion", "example.com/m/b", "interleave: assertion: n = 1, want 2\n"
	results.Summary{Packages: 13, Findings: []*report.Finding{deadlock, &assertion}, Elapsed: 3210 * time.Millisecond,
		Explorations: []results.Exploration{{Package: "example.com/m/a", Test: "TestTransfer", Runs: 4}, {Package: "example.com/m/b", Test: "TestN", Runs: 1200}, {Package: "example.com/m/b", Test: "TestN", Runs: 1}},
	}.Write(&buf)
	want := `interleave: 2 findings (1 assertion, 1 deadlock) in 2 of 13 packages
interleave: explored 2 tests in 2 packages: 1,205 runs in 3.2s
  example.com/m/a TestTransfer
    interleave: deadlock: all goroutines are blocked
    replay: interleave test -run '^TestTransfer$' -replay X ./a
  example.com/m/b TestTransfer
    interleave: assertion: n = 1, want 2
    replay: interleave test -run '^TestTransfer$' -replay X ./a
`
	assert.Equal(t, want, buf.String())
}

func TestFindingsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	later := *deadlock
	later.Test, later.Time = "TestA", time.Unix(1, 0)
	for i, f := range []*report.Finding{deadlock, &later} {
		require.NoError(t, f.WriteFile(filepath.Join(dir, strconv.Itoa(i)+".json")))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "explored"), []byte("not a finding"), 0o644))
	found, err := results.ReadFindings(dir)
	require.NoError(t, err)
	require.Len(t, found, 2)
	assert.Equal(t, []string{"TestA", "TestTransfer"}, []string{found[0].Test, found[1].Test}, "in the order of their tests")
	var buf bytes.Buffer
	require.NoError(t, results.WriteFindings(&buf, found))
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 2, "a line a finding")
	for _, l := range lines {
		f, err := report.Parse([]byte(l))
		require.NoError(t, err, "each line is a finding")
		assert.Equal(t, report.Version, f.Version)
	}
}
