package harness_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// TestTimeoutCountsTimeOutsideExplorations: interleave test gives go
// test's -timeout to the harness, which applies it to the time a binary
// spends outside explorations and to each exploration: explorations that
// take longer together than the timeout do not kill the binary, a test
// that hangs outside them does.
func TestTimeoutCountsTimeOutsideExplorations(t *testing.T) {
	switch os.Getenv("INTERLEAVE_TIMEOUT_CHILD") {
	case "explore":
		for range 3 {
			harness.Explore(t, func(t *harness.T) {
				ch := rt.MakeChan(make(chan int))
				rt.Go(func() { rt.Send(ch, 1) })
				rt.Recv(ch)
			}, harness.Runs(1<<30), harness.Time(700*time.Millisecond))
		}
		return
	case "hang":
		time.Sleep(time.Minute)
		return
	}
	child := func(mode string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTimeoutCountsTimeOutsideExplorations$", "-test.timeout=0", "-interleave.timeout=1500ms")
		cmd.Env = childEnv("INTERLEAVE_TIMEOUT_CHILD=" + mode)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := child("explore"); err != nil {
		t.Fatalf("three explorations of 700ms under a timeout of 1.5s: %v\n%s", err, out)
	}
	start := time.Now()
	out, err := child("hang")
	if err == nil || !strings.Contains(out, "interleave: test binary timed out") || time.Since(start) > 20*time.Second {
		t.Fatalf("a test that hangs outside explorations: %v after %v\n%s", err, time.Since(start), out)
	}
}
