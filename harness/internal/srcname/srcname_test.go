package srcname_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/interleave-go/interleave/harness/internal/srcname"
)

// ops are the operations testdata/forms.go asks about, as the engine
// describes them.
var ops = map[string]srcname.Op{
	"Lock":   {Methods: []string{"Lock"}},
	"Unlock": {Methods: []string{"Unlock"}},
	"Wait":   {Methods: []string{"Wait"}},
	"Stop":   {Methods: []string{"Stop"}},
	"atomic store": {Methods: []string{"Store", "Add"},
		Funcs: []string{"sync/atomic.Store", "sync/atomic.Add"}},
	"atomic load": {Methods: []string{"Load"}, Funcs: []string{"sync/atomic.Load"}},
	"send":        {Send: true},
	"receive":     {Recv: true},
	"close":       {Builtins: []string{"close"}},
	"len":         {Builtins: []string{"len", "cap"}},
	"new timer":   {Assigned: []string{"time.NewTimer"}},
}

var want = regexp.MustCompile(`// want (.+) (\S+)$`)

// TestNames asks each question of testdata/forms.go: a line ending in
// "// want OP NAME" must name its object NAME ("" for none).
func TestNames(t *testing.T) {
	path, err := filepath.Abs("testdata/forms.go")
	if err != nil {
		t.Fatal(err)
	}
	fd, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	r := srcname.NewReader(time.Time{})
	sc := bufio.NewScanner(fd)
	questions := 0
	for line := 1; sc.Scan(); line++ {
		m := want.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		questions++
		q, name := m[1], m[2]
		if name == `""` {
			name = ""
		}
		var got string
		switch {
		case q == "started":
			got = r.Started(path, line)
		case len(q) == 5 && q[:4] == "case":
			i, _ := strconv.Atoi(q[4:])
			got = r.Case(path, line, i)
		default:
			op, ok := ops[q]
			if !ok {
				t.Fatalf("forms.go:%d: unknown operation %q", line, q)
			}
			got = r.Object(path, line, op)
		}
		if got != name {
			t.Errorf("forms.go:%d: %s: got %q, want %q", line, q, got, name)
		}
	}
	if questions < 30 {
		t.Fatalf("%d questions in forms.go, want them all read", questions)
	}
}

// TestNoNameFromChangedFile: a file changed after the program was built
// may not hold the program's lines any more, and is not read.
func TestNoNameFromChangedFile(t *testing.T) {
	path, err := filepath.Abs("testdata/forms.go")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	lock := srcname.Op{Methods: []string{"Lock"}}
	line := 22 // from.mu.Lock()
	if got := srcname.NewReader(fi.ModTime()).Object(path, line, lock); got != "from.mu" {
		t.Fatalf("built with the file: got %q, want from.mu", got)
	}
	if got := srcname.NewReader(fi.ModTime().Add(-time.Second)).Object(path, line, lock); got != "" {
		t.Errorf("built before the file changed: got %q, want no name", got)
	}
	if got := srcname.NewReader(time.Time{}).Object(filepath.Join(t.TempDir(), "gone.go"), 1, lock); got != "" {
		t.Errorf("a file that does not exist: got %q, want no name", got)
	}
}
