package harness_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
)

// recorder is a testing.TB that keeps what Explore reports instead of
// failing the test, so that tests can assert on reports.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	logs   []string
}

type fatalStop struct{}

func (r *recorder) Helper() {}
func (r *recorder) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprint(args...))
}
func (r *recorder) Errorf(format string, args ...any) { r.Error(fmt.Sprintf(format, args...)) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(fatalStop{})
}
func (r *recorder) Fatal(args ...any) {
	r.Error(args...)
	panic(fatalStop{})
}
func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

// explore runs Explore and returns its report, "" if it passed.
func explore(t testing.TB, body func(*harness.T), opts ...harness.Option) string {
	t.Helper()
	rec := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(fatalStop); !ok {
					panic(p)
				}
			}
		}()
		harness.Explore(rec, body, opts...)
	}()
	return strings.Join(rec.errors, "\n")
}

// replayToken extracts the token from a report's replay line.
func replayToken(t testing.TB, report string) string {
	t.Helper()
	const key = "-interleave.replay="
	i := strings.Index(report, key)
	if i < 0 {
		t.Fatalf("report has no replay line:\n%s", report)
	}
	tok := report[i+len(key):]
	if j := strings.IndexAny(tok, " \n"); j >= 0 {
		tok = tok[:j]
	}
	return tok
}

// firstLine returns the first line of a report.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// outcomes explores body and counts the outcomes it returns across runs.
// The exploration must not fail.
func outcomes(t testing.TB, body func(t *harness.T) string, opts ...harness.Option) map[string]int {
	t.Helper()
	seen := make(map[string]int)
	report := explore(t, func(t *harness.T) { seen[body(t)]++ }, opts...)
	if report != "" {
		t.Fatalf("exploration failed:\n%s", report)
	}
	return seen
}
