package harness

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// The harness sees the goroutines of a run; goroutines that code outside
// its control starts (the standard library's net/http, an httptest server
// never closed, cgo callbacks) it neither schedules nor sees. After an
// explored test, goleak looks for goroutines that were not there when the
// test began and are still there when it has ended, its cleanups run:
// those are reported as a leak of kind leak.

// ourGoroutines are the harness's own goroutines and those of its runs
// (a goroutine abandoned by the watchdog has been reported already).
var ourGoroutines = []goleak.Option{
	goleak.IgnoreAnyFunction("github.com/interleave-go/interleave/harness/internal/engine.(*Run).goMain"),
	goleak.IgnoreAnyFunction("github.com/interleave-go/interleave/harness/internal/engine.(*worker).loop"),
	goleak.IgnoreTopFunction("github.com/interleave-go/interleave/harness/internal/engine.(*Explorer).watchdog"),
	goleak.IgnoreAnyFunction("github.com/interleave-go/interleave/harness.watchTimeout"),
	// Other tests: parallel subtests waiting for their turn, started
	// while this test ran (a running one skips the check).
	goleak.IgnoreAnyFunction("testing.tRunner"),
}

// watchOutside arranges for the goroutines outside the harness's control
// that t leaves behind to be reported when t and its cleanups are done.
func (e *exploration) watchOutside(t testing.TB) {
	if e.cfg.allowed[leakKind] {
		return // the test allows leaks: LeakFree(false)
	}
	opts := append([]goleak.Option{goleak.IgnoreCurrent()}, ourGoroutines...)
	opts = append(opts, e.cfg.ignore...)
	rerun := e.commandLine("")
	// Registered first, the check runs after the test's own cleanups,
	// which may close what the test started (t.Cleanup(srv.Close)).
	t.Cleanup(func() {
		t.Helper()
		if otherTestRunning() {
			return // its goroutines cannot be told from this test's
		}
		if err := goleak.Find(opts...); err != nil {
			t.Errorf("interleave: leak: goroutines that the harness does not schedule outlived the test\n"+
				"code that is not instrumented (the standard library's net/http, an httptest server never closed, cgo) started them "+
				"during the test; the harness neither schedules nor stops them, and they are still there after the test and its cleanups "+
				"(harness.IgnoreGoroutines takes goleak's options for the ones that may stay)\n%v\n\nrerun: %s",
				err, rerun)
		}
	})
}

// otherTestRunning reports whether a test other than the caller's is
// running: a parallel one, whose goroutines goleak would count.
func otherTestRunning() bool {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	blocks := bytes.Split(buf, []byte("\n\n"))
	for _, b := range blocks[1:] { // the first is the caller's
		s := string(b)
		if !strings.Contains(s, "\ntesting.tRunner(") {
			continue
		}
		head, rest, _ := strings.Cut(s, "\n")
		first, _, _ := strings.Cut(rest, "(")
		// A test waiting for its subtests or for its turn as a parallel
		// test waits in package testing; one that runs does not.
		if strings.Contains(head, "[chan receive") && strings.HasPrefix(first, "testing.") {
			continue
		}
		return true
	}
	return false
}
