package primitives_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestVetReportsCopies runs go vet on testdata/copies, which copies each
// primitive by value, and checks that the copylocks check reports every
// copy, by way of the noCopy marker, and nothing else.
func TestVetReportsCopies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	t.Parallel()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	const file = "testdata/copies/copies.go"

	want := map[int]string{} // line: type copied
	src, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	marker := regexp.MustCompile(`// copies (\S+)$`)
	sc := bufio.NewScanner(src)
	for n := 1; sc.Scan(); n++ {
		if m := marker.FindStringSubmatch(sc.Text()); m != nil {
			want[n] = m[1]
		}
	}

	cmd := exec.Command(goCmd, "vet", "-copylocks", "./testdata/copies")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet: got success, want copylocks reports")
	}
	got := map[int]string{}
	report := regexp.MustCompile(`copies\.go:(\d+):\d+: (.*)`)
	for _, line := range strings.Split(string(out), "\n") {
		m := report.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var n int
		fmt.Sscan(m[1], &n)
		got[n] = m[2]
	}
	for n, typ := range want {
		msg, ok := got[n]
		if !ok {
			t.Errorf("%s:%d: copy of %s not reported", file, n, typ)
			continue
		}
		if wantMsg := "primitives." + typ + " contains github.com/interleave-go/interleave/primitives.noCopy"; !strings.Contains(msg, "copies lock value") || !strings.Contains(msg, wantMsg) {
			t.Errorf("%s:%d: got report %q, want one containing %q", file, n, msg, wantMsg)
		}
	}
	for n, msg := range got {
		if _, ok := want[n]; !ok {
			t.Errorf("%s:%d: unexpected report %q", file, n, msg)
		}
	}
	if t.Failed() {
		t.Logf("go vet output:\n%s", out)
	}
}
