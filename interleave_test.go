package interleave_test

import (
	"os/exec"
	"testing"

	"github.com/interleave-go/interleave"
)

// TestHarnessBuildsAtItsGoVersion: the harness packages are built inside
// the module under test at HarnessGoVersion (a module of go 1.22 does not
// build a range over a function): they must use nothing of the language
// newer than that.
func TestHarnessBuildsAtItsGoVersion(t *testing.T) {
	pkgs := []string{"./harness/", "./harness/rt/", "./harness/internal/engine/", "./harness/internal/strategy/",
		"./harness/internal/token/", "./harness/internal/flight/", "./harness/internal/srcname/", "./harness/report/", "./primitives/"}
	cmd := exec.Command("go", append([]string{"build", "-gcflags=-lang=go" + interleave.HarnessGoVersion}, pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the harness at go%s: %v\n%s", interleave.HarnessGoVersion, err, out)
	}
}
