package results

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/interleave-go/interleave/harness/report"
)

// The JUnit XML that gotestsum writes, and that CI systems (Jenkins,
// GitLab, CircleCI, GitHub's test reporters) read: a testsuite a package,
// a testcase a test, classname the package's import path.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Tests     int         `xml:"tests,attr"`
		Failures  int         `xml:"failures,attr"`
		Skipped   int         `xml:"skipped,attr"`
		Time      string      `xml:"time,attr"`
		Name      string      `xml:"name,attr"`
		Timestamp string      `xml:"timestamp,attr"`
		Cases     []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Classname string         `xml:"classname,attr"`
		Name      string         `xml:"name,attr"`
		Time      string         `xml:"time,attr"`
		Skipped   *junitSkipped  `xml:"skipped,omitempty"`
		Failures  []junitFailure `xml:"failure"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// WriteJUnit writes run as JUnit XML: a testsuite a package, a testcase a
// test, and a failure for each finding of the test, its message the
// finding's first line, its type the kind, its text the report. A test
// that failed with no finding (a check outside explorations, goroutines
// that code outside the harness started and left running) has one
// failure, "Failed", with its output, as has a package that failed
// outside its tests (a build, a test binary that died), as the testcase
// TestMain.
func WriteJUnit(w io.Writer, run *Run, findings []*report.Finding, start time.Time, elapsed time.Duration) error {
	type key struct{ pkg, test string }
	byTest := map[key][]*report.Finding{}
	for _, f := range findings {
		k := key{f.Package, f.Test}
		byTest[k] = append(byTest[k], f)
	}
	doc := junitSuites{Time: seconds(elapsed.Seconds())}
	for _, p := range run.Packages {
		s := junitSuite{Name: p.Path, Time: seconds(p.Elapsed), Timestamp: start.UTC().Format(time.RFC3339)}
		failed := false
		for _, t := range p.Tests {
			c := junitCase{Classname: p.Path, Name: t.Name, Time: seconds(t.Elapsed)}
			for _, f := range byTest[key{p.Path, t.Name}] {
				c.Failures = append(c.Failures, failureOf(f))
			}
			delete(byTest, key{p.Path, t.Name})
			switch {
			case len(c.Failures) > 0:
			case t.Action == "fail":
				c.Failures = []junitFailure{{Message: "Failed", Text: strings.Join(t.Output, "")}}
			case t.Action == "":
				c.Failures = []junitFailure{{Message: "Failed: the test did not end (the test binary died)", Text: strings.Join(t.Output, "")}}
			case t.Action == "skip":
				c.Skipped = &junitSkipped{Message: strings.Join(t.Output, "")}
				s.Skipped++
			}
			if len(c.Failures) > 0 {
				s.Failures++
				failed = true
			}
			s.Cases = append(s.Cases, c)
		}
		if p.Action == "fail" && !failed {
			s.Cases = append(s.Cases, junitCase{Classname: p.Path, Name: "TestMain", Time: seconds(0),
				Failures: []junitFailure{{Message: "Failed", Text: strings.Join(p.Output, "")}}})
			s.Failures++
		}
		s.Tests = len(s.Cases)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Suites = append(doc.Suites, s)
	}
	// Findings of tests the stream never named (a binary that died
	// before it said): a testcase each, in a suite of their package.
	for _, f := range findings {
		fs, ok := byTest[key{f.Package, f.Test}]
		if !ok {
			continue
		}
		delete(byTest, key{f.Package, f.Test})
		c := junitCase{Classname: f.Package, Name: f.Test, Time: seconds(0)}
		for _, f := range fs {
			c.Failures = append(c.Failures, failureOf(f))
		}
		doc.Suites = append(doc.Suites, junitSuite{Name: f.Package, Tests: 1, Failures: 1, Time: seconds(0),
			Timestamp: start.UTC().Format(time.RFC3339), Cases: []junitCase{c}})
		doc.Tests++
		doc.Failures++
	}
	data, err := xml.MarshalIndent(doc, "", "\t")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	if _, err := w.Write(append(data, '\n')); err != nil {
		return err
	}
	return nil
}

func failureOf(f *report.Finding) junitFailure {
	text := f.Report
	if text == "" {
		text = FirstLine(f) + "\n\nreplay: " + f.Replay + "\n"
	}
	return junitFailure{Message: FirstLine(f), Type: f.Kind, Text: text}
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }
