// Package goleak has tests whose goroutines outside the harness's control
// outlive them; harness's tests run it with go test and read the output.
package goleak

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/goleak"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

func TestMain(m *testing.M) {
	rt.MarkInstrumented() // the tests call the runtime ABI by hand
	harness.Main(m, goleak.IgnoreTopFunction("github.com/interleave-go/interleave/harness/testdata/goleak.keptForever"))
}

// TestServerNeverClosed leaves an httptest server running: net/http's
// goroutines are not the harness's.
func TestServerNeverClosed(t *testing.T) {
	harness.Explore(t, func(t *harness.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatalf("%v", err)
		}
		resp.Body.Close()
		rt.Go(func() {})
	}, harness.Runs(3))
}

var forever = make(chan bool)

func keptForever() { <-forever }

// TestAllowedBackground starts a goroutine that stays, which the test says
// may.
func TestAllowedBackground(t *testing.T) {
	harness.Explore(t, func(t *harness.T) {
		go keptForever() // not instrumented: outside the harness
		rt.Go(func() {})
	}, harness.Runs(3), harness.IgnoreGoroutines(goleak.IgnoreTopFunction("github.com/interleave-go/interleave/harness/testdata/goleak.keptForever")))
}

// TestCleanedUp closes its server in a cleanup, which runs before the
// check.
func TestCleanedUp(t *testing.T) {
	harness.Explore(t, func(*harness.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		t.Cleanup(srv.Close)
		rt.Go(func() {})
	}, harness.Runs(3))
}

var never = make(chan bool)

// TestPlainLeak explores nothing and leaves a goroutine behind: harness.Main
// finds it after the tests.
func TestPlainLeak(t *testing.T) {
	go func() { <-never }()
}
