package models_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
)

// reports is a testing.TB that keeps what is reported through it instead
// of failing the test, so that tests can assert on reports.
type reports struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	logs   []string
}

type fatalStop struct{}

func (r *reports) Helper() {}
func (r *reports) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprint(args...))
}
func (r *reports) Errorf(format string, args ...any) { r.Error(fmt.Sprintf(format, args...)) }
func (r *reports) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(fatalStop{})
}
func (r *reports) Fatal(args ...any) {
	r.Error(args...)
	panic(fatalStop{})
}
func (r *reports) Log(args ...any) { r.Logf("%s", fmt.Sprint(args...)) }
func (r *reports) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

// capture runs f with a reports TB and returns what it reported as
// errors, "" if nothing.
func capture(t testing.TB, f func(t testing.TB)) string {
	t.Helper()
	rec := &reports{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(fatalStop); !ok {
					panic(p)
				}
			}
		}()
		f(rec)
	}()
	return strings.Join(rec.errors, "\n")
}

// explore runs harness.Explore and returns its report, "" if it passed.
func explore(t testing.TB, body func(*harness.T), opts ...harness.Option) string {
	t.Helper()
	return capture(t, func(t testing.TB) { harness.Explore(t, body, opts...) })
}

// firstLine returns the first line of a report.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
