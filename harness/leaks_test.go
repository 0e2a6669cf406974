package harness_test

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestGoroutinesOutsideTheHarness runs testdata/goleak: goroutines that
// code outside the harness's control starts and leaves running are a leak
// of the test that started them, unless the test allows them or cleans
// them up; harness.Main finds those of tests that explore nothing.
func TestGoroutinesOutsideTheHarness(t *testing.T) {
	out, err := exec.Command("go", "test", "-count=1", "-v", "-run", "^(TestServerNeverClosed|TestAllowedBackground|TestCleanedUp)$", "./testdata/goleak").CombinedOutput()
	s := string(out)
	if err == nil || !regexp.MustCompile(`interleave: leak: goroutines that the harness does not schedule outlived the test\n(?s:.*)net/http(?s:.*)--- FAIL: TestServerNeverClosed`).MatchString(s) {
		t.Fatalf("go test: %v, want TestServerNeverClosed's leak of net/http's goroutines:\n%s", err, s)
	}
	for _, pass := range []string{"TestAllowedBackground", "TestCleanedUp"} {
		if !strings.Contains(s, "--- PASS: "+pass) {
			t.Errorf("%s does not pass:\n%s", pass, s)
		}
	}
	out, err = exec.Command("go", "test", "-count=1", "-run", "^TestPlainLeak$", "./testdata/goleak").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "interleave: leak: goroutines that the harness does not schedule outlived the tests") {
		t.Errorf("harness.Main: %v, want the leak of TestPlainLeak:\n%s", err, out)
	}
}
