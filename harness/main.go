package harness

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// Main is for TestMain: it lets plain go test explore a package.
//
//	func TestMain(m *testing.M) { harness.Main(m) }
//
// In a test binary built by the interleave tool it runs the tests. In one
// built by plain go test, whose code is not instrumented, it runs
// `interleave test` on the package instead, with the same test flags, and
// exits with its status: the interleave command from PATH, or else `go run`
// of the one the module requires.
//
// Once the tests have passed, goroutines left running by code the harness
// does not control fail the binary, as goleak.VerifyTestMain does (each
// explored test checks its own too, but for parallel tests, which cannot
// tell theirs apart); opts are goleak's options for those allowed to stay.
func Main(m *testing.M, opts ...goleak.Option) {
	if !engine.Instrumented() {
		os.Exit(rebuild(os.Args[1:]))
	}
	code := m.Run()
	if code == 0 && !subprocess() {
		if err := goleak.Find(append(ourGoroutines, opts...)...); err != nil {
			fmt.Fprintf(os.Stderr, "interleave: leak: goroutines that the harness does not schedule outlived the tests (code that is not instrumented started them)\n%v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// rebuild runs the package's tests again, instrumented.
func rebuild(args []string) int {
	var ours, goArgs []string
	for _, a := range args {
		name, value, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "test.run":
			ours = append(ours, "-run", value)
		case "test.v":
			if value != "false" {
				ours = append(ours, "-v")
			}
		case "test.count", "test.short", "test.timeout", "test.failfast", "test.cpu", "test.parallel":
			goArgs = append(goArgs, "-"+strings.TrimPrefix(name, "test.")+withValue(value))
		default:
			if strings.HasPrefix(name, "interleave.") {
				goArgs = append(goArgs, a)
			}
			// go test's own bookkeeping (-test.testlogfile,
			// -test.paniconexit0, ...) belongs to this binary only.
		}
	}
	cmdArgs := append(append([]string{"test"}, ours...), ".")
	if len(goArgs) > 0 {
		cmdArgs = append(append(cmdArgs, "--"), goArgs...)
	}
	var cmd *exec.Cmd
	if path, err := exec.LookPath("interleave"); err == nil {
		cmd = exec.Command(path, cmdArgs...)
	} else {
		cmd = exec.Command("go", append([]string{"run", "github.com/interleave-go/interleave/cmd/interleave"}, cmdArgs...)...)
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	fmt.Fprintf(os.Stderr, "harness.Main: this test binary is not instrumented, and running %q failed: %v\n"+
		"Install the tool (go install github.com/interleave-go/interleave/cmd/interleave@latest) or run interleave test yourself.\n",
		strings.Join(cmd.Args, " "), err)
	return 2
}

func withValue(v string) string {
	if v == "" {
		return ""
	}
	return "=" + v
}

// notInstrumented is the message of an exploration in a binary whose code
// is not instrumented.
const notInstrumented = "interleave: this test binary is not instrumented, so its goroutines, locks and channels are " +
	"not under the exploration's control: run it with `interleave test ./pkg`, or call harness.Main(m) from TestMain " +
	"so that `go test` instruments it"
