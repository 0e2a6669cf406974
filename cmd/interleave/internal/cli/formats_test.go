package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/interleave-go/interleave/harness/report"
)

// repoRoot is the root of this repository, where the README's commands
// run.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// testEvent is cmd/test2json's TestEvent, with the fields the go command
// adds for builds: a stream that has any other field is not go test's.
type testEvent struct {
	Time        time.Time
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
	ImportPath  string
}

// actions are test2json's, and the go command's for builds.
var actions = map[string]bool{"start": true, "run": true, "pause": true, "cont": true, "pass": true, "bench": true,
	"fail": true, "output": true, "skip": true, "build-output": true, "build-fail": true}

// readStream checks that data is a go test -json stream, as test2json's
// readers (IDEs, CI dashboards) take it: every line a TestEvent with a
// known Action, every test that runs ending in pass, fail or skip, and
// every package ending so too. It returns the events.
func readStream(t *testing.T, data []byte) []testEvent {
	t.Helper()
	var events []testEvent
	running := map[[2]string]bool{}
	ended := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var e testEvent
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("stdout line %d is not a TestEvent: %v\n%s", n, err, sc.Text())
		}
		if !actions[e.Action] {
			t.Fatalf("stdout line %d: Action %q, not one of test2json's\n%s", n, e.Action, sc.Text())
		}
		if e.Action == "build-output" || e.Action == "build-fail" {
			events = append(events, e)
			continue
		}
		if e.Package == "" {
			t.Fatalf("stdout line %d: no Package\n%s", n, sc.Text())
		}
		k := [2]string{e.Package, e.Test}
		switch {
		case e.Test != "" && e.Action == "run":
			running[k] = true
		case e.Test != "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			if !running[k] {
				t.Errorf("stdout line %d: %s of %s, which did not run", n, e.Action, e.Test)
			}
			delete(running, k)
		case e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			ended[e.Package] = true
		}
		events = append(events, e)
	}
	for k := range running {
		t.Errorf("%s %s ran and never ended", k[0], k[1])
	}
	for _, e := range events {
		if e.Package != "" && !ended[e.Package] {
			t.Errorf("package %s never ended", e.Package)
			ended[e.Package] = true
		}
	}
	return events
}

// TestJSONIsGoTestJSON: interleave test -json prints the stream go test
// -json prints, each finding's report as its test's output, keeps the
// exit status, and -findings gets the finding objects.
func TestJSONIsGoTestJSON(t *testing.T) {
	root := repoRoot(t)
	t.Chdir(root)
	file := filepath.Join(t.TempDir(), "findings.jsonl")
	var stdout, stderr bytes.Buffer
	code := Main([]string{"test", "-json", "-findings", file, "./examples/accounts", "./examples/accounts/fixed"}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stderr.String())
	}
	events := readStream(t, stdout.Bytes())
	const pkg = "github.com/interleave-go/interleave/examples/accounts"
	var failed, passed bool
	var output strings.Builder
	for _, e := range events {
		switch {
		case e.Package == pkg && e.Test == "TestTransfersBothWays" && e.Action == "fail":
			failed = true
		case e.Package == pkg+"/fixed" && e.Test == "" && e.Action == "pass":
			passed = true
		case e.Package == pkg && e.Test == "TestTransfersBothWays" && e.Action == "output":
			output.WriteString(e.Output)
		}
	}
	if !failed || !passed {
		t.Errorf("want a fail event for TestTransfersBothWays (%v) and a pass for accounts/fixed (%v):\n%s", failed, passed, stdout.String())
	}
	// The report, whole, is the test's output.
	for _, want := range []string{"interleave: deadlock: all goroutines are blocked", "trace (", "goroutines:", "replay: interleave test -run '^TestTransfersBothWays$' -replay "} {
		if !strings.Contains(output.String(), want) {
			t.Errorf("TestTransfersBothWays's output has no %q:\n%s", want, output.String())
		}
	}

	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("-findings: %d lines, want one finding:\n%s", len(lines), data)
	}
	f, err := report.Parse([]byte(lines[0]))
	if err != nil {
		t.Fatalf("-findings: %v", err)
	}
	if f.Version != report.Version || f.Kind != "deadlock" || f.Test != "TestTransfersBothWays" || f.Package != pkg ||
		!strings.HasPrefix(f.Report, "interleave: deadlock: all goroutines are blocked\n") {
		t.Errorf("-findings: version %d, %s of %s in %s, report %.60q; want version %d, the deadlock of TestTransfersBothWays with its report",
			f.Version, f.Kind, f.Test, f.Package, f.Report, report.Version)
	}

	// Nothing found: exit 0, and a stream all the same.
	stdout.Reset()
	stderr.Reset()
	if code := Main([]string{"test", "-json", "./examples/accounts/fixed"}, &stdout, &stderr); code != 0 {
		t.Fatalf("-json of a package that passes: exit %d, want 0:\n%s", code, stderr.String())
	}
	readStream(t, stdout.Bytes())
}

// gotestsumVersion is the gotestsum the tests read the stream with.
const gotestsumVersion = "v1.13.0"

// TestGotestsumReadsTheStream: gotestsum --raw-command runs interleave
// test -json as it would go test -json.
func TestGotestsumReadsTheStream(t *testing.T) {
	bin := t.TempDir()
	// From the module proxy, as a user would; only an unreachable proxy
	// (a machine offline) excuses the test.
	list := exec.Command("go", "list", "-m", "gotest.tools/gotestsum@"+gotestsumVersion)
	list.Dir = bin
	if out, err := list.CombinedOutput(); err != nil {
		t.Skipf("the module proxy is unreachable, so gotestsum cannot be fetched: go list -m gotest.tools/gotestsum@%s: %v\n%s", gotestsumVersion, err, out)
	}
	install := exec.Command("go", "install", "gotest.tools/gotestsum@"+gotestsumVersion)
	install.Dir, install.Env = bin, append(os.Environ(), "GOBIN="+bin)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install gotestsum: %v\n%s", err, out)
	}
	root := repoRoot(t)
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "interleave"), "./cmd/interleave")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/interleave: %v\n%s", err, out)
	}
	junit := filepath.Join(bin, "junit.xml")
	cmd := exec.Command(filepath.Join(bin, "gotestsum"), "--format", "testname", "--junitfile", junit, "--raw-command", "--",
		filepath.Join(bin, "interleave"), "test", "-json", "./examples/accounts", "./examples/accounts/fixed")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Fatalf("gotestsum: %v, want exit status 1 for the deadlock:\n%s", err, out)
	}
	s := string(out)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^FAIL examples/accounts\.TestTransfersBothWays \(`),
		regexp.MustCompile(`(?m)^PASS examples/accounts/fixed\.TestTransfersBothWays \(`),
		regexp.MustCompile(`interleave: deadlock: all goroutines are blocked`),
		regexp.MustCompile(`(?m)^DONE 2 tests, 1 failure in `),
	} {
		if !want.MatchString(s) {
			t.Errorf("gotestsum's output does not match %s:\n%s", want, s)
		}
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if fails := failuresOf(t, data); len(fails["TestTransfersBothWays"]) != 1 {
		t.Errorf("gotestsum's JUnit report: failures %v, want one of TestTransfersBothWays:\n%s", fails, data)
	}
}

// failuresOf returns the failures of each testcase of a JUnit report, by
// the test's name: the message, then the type, then the text.
func failuresOf(t *testing.T, data []byte) map[string][][3]string {
	t.Helper()
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name     string `xml:"name,attr"`
				Failures []struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("not JUnit XML: %v\n%s", err, data)
	}
	out := map[string][][3]string{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			out[c.Name] = out[c.Name] // every testcase, failed or not
			for _, f := range c.Failures {
				out[c.Name] = append(out[c.Name], [3]string{f.Message, f.Type, f.Text})
			}
		}
	}
	return out
}

// TestJUnitAndGitHubAnnotations: -junit writes a failure for each
// finding; under GitHub Actions each finding is an ::error annotation at
// the line to look at; a run over several packages ends with a summary.
func TestJUnitAndGitHubAnnotations(t *testing.T) {
	root := repoRoot(t)
	t.Setenv("GITHUB_ACTIONS", "true")
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out := run(t, root, "test", "-junit", junit, "./examples/accounts", "./examples/counter")
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	fails := failuresOf(t, data)
	for test, kind := range map[string]string{"TestTransfersBothWays": "deadlock", "TestConcurrentHits": "assertion"} {
		f := fails[test]
		if len(f) != 1 || f[0][1] != kind || !strings.HasPrefix(f[0][0], "interleave: "+kind+": ") ||
			!strings.HasPrefix(f[0][2], f[0][0]+"\n") || !strings.Contains(f[0][2], "\nreplay: interleave test -run ") {
			t.Errorf("-junit: failures of %s %q, want one of type %s with the report as its text:\n%s", test, f, kind, data)
		}
	}
	if _, ok := fails["TestConcurrentHits"]; !ok {
		t.Errorf("-junit: no testcase for TestConcurrentHits:\n%s", data)
	}

	// The deadlock's annotation is at the Lock that waits, in the code
	// under test, its path relative to the repository's root (where a
	// pull request's diff is), or to the module's when not in one.
	dir := "examples/accounts"
	if enclosing(root, ".git") == "" {
		dir = "accounts"
	}
	m := regexp.MustCompile(`(?m)^::error file=` + regexp.QuoteMeta(dir) + `/accounts\.go,line=(\d+),title=interleave deadlock::interleave: deadlock: all goroutines are blocked$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no ::error annotation of the deadlock at %s/accounts.go:\n%s", dir, out)
	}
	line, _ := strconv.Atoi(m[1])
	src, err := os.ReadFile(filepath.Join(root, "examples", "accounts", "accounts.go"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(string(src), "\n"); line < 1 || line > len(lines) || !strings.Contains(lines[line-1], ".mu.Lock()") {
		t.Errorf("the annotation's line %d is not a Lock of the deadlock", line)
	}
	if !regexp.MustCompile(`(?m)^::error file=[^,]*counter_test\.go,line=\d+,title=interleave assertion::interleave: assertion: Value = 1 after 2 hits, want 2$`).MatchString(out) {
		t.Errorf("no annotation of the counter's failed check:\n%s", out)
	}

	// The summary: by kind, what was explored, each finding's first line
	// and replay line.
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^interleave: 2 findings \(1 assertion, 1 deadlock\) in 2 of 2 packages$`),
		regexp.MustCompile(`(?m)^interleave: explored 2 tests in 2 packages: [\d,]+ runs in \S+$`),
		regexp.MustCompile(`(?m)^  github.com/interleave-go/interleave/examples/accounts TestTransfersBothWays\n    interleave: deadlock: all goroutines are blocked\n    replay: interleave test -run '\^TestTransfersBothWays\$' -replay \S+ \./examples/accounts$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the summary does not match %s:\n%s", want, out)
		}
	}
}

// TestTraceNamesWhatTheProgramNames: the accounts deadlock's trace, in
// text and in the HTML page, names the mutexes from.mu and to.mu and the
// goroutines by the function they run.
func TestTraceNamesWhatTheProgramNames(t *testing.T) {
	root := repoRoot(t)
	file := filepath.Join(t.TempDir(), "findings.jsonl")
	code, out := run(t, root, "test", "-findings", file, "./examples/accounts")
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)\d+  g[12]\s+Lock\s+from\.mu#[12]\s+accounts\.go:20$`),
		regexp.MustCompile(`(?m)\d+  g0\s+go\s+g1 Transfer\s+accounts_test\.go:12$`),
		regexp.MustCompile(`(?m)^\s+g1 Transfer: blocked: Lock to\.mu#[12] \(held by g2\) at accounts\.go:22$`),
		regexp.MustCompile(`(?m)^\s+g2 Transfer: blocked: Lock to\.mu#[12] \(held by g1\) at accounts\.go:22$`),
		regexp.MustCompile(`(?m)^\s+g0: blocked: Wait wg \(counter 2\) at accounts_test\.go:14$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the trace does not match %s:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	finding := filepath.Join(t.TempDir(), "finding.json")
	if err := os.WriteFile(finding, data, 0o644); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "deadlock.html")
	if code, out := run(t, root, "report", "-o", page, finding); code != 0 {
		t.Fatalf("interleave report: exit %d:\n%s", code, out)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<span class="op">Lock</span> <span class="obj">from.mu#`, `blocked: Lock to.mu#`,
		`<div class="head">g1 Transfer`, `<div class="head">g2 Transfer`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the page has no %q", want)
		}
	}
}
