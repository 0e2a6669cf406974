package report

import (
	"os"
	"path/filepath"
	"testing"
)

func TestKeyIgnoresWhatVariesBetweenSchedulesOfOneBug(t *testing.T) {
	base := Finding{Test: "TestX", Kind: "assertion", Message: "count = 3, want 4", FailG: 0,
		Goroutines: []Goroutine{{G: 0, State: "returned"}, {G: 1, State: "blocked: receive", Blocked: true, File: "/a/x.go", Line: 9}}}
	other := base
	other.Message = "count = 2, want 4"
	other.Goroutines = []Goroutine{{G: 0, State: "returned"}, {G: 2, State: "blocked: send", Blocked: true, File: "/a/x.go", Line: 12}}
	if base.ID() != other.ID() {
		t.Errorf("two schedules of one lost update have different ids:\n%q\n%q", base.Key(), other.Key())
	}
	dl := Finding{Test: "TestX", Kind: "deadlock", Message: "all goroutines are blocked", FailG: -1,
		Goroutines: []Goroutine{{G: 1, Blocked: true, File: "/a/x.go", Line: 20}, {G: 2, Blocked: true, File: "/a/x.go", Line: 22}}}
	dl2 := dl
	dl2.Goroutines = []Goroutine{{G: 3, Blocked: true, File: "/a/x.go", Line: 22}, {G: 4, Blocked: true, File: "/a/x.go", Line: 20}}
	if dl.ID() != dl2.ID() {
		t.Errorf("one deadlock with other goroutine numbers has another id")
	}
	dl3 := dl
	dl3.Goroutines = []Goroutine{{G: 1, Blocked: true, File: "/a/x.go", Line: 20}, {G: 2, Blocked: true, File: "/a/x.go", Line: 30}}
	if dl.ID() == dl3.ID() {
		t.Errorf("deadlocks at different lines share an id")
	}
	list1, list2 := base, base
	list1.Message = "Process returned 2 results for 3 jobs: [1 9]"
	list2.Message = "Process returned 1 results for 3 jobs: [4]"
	if list1.ID() != list2.ID() {
		t.Errorf("messages that differ in a list of numbers have different ids")
	}
	if base.ID() == dl.ID() {
		t.Errorf("an assertion and a deadlock share an id")
	}
}

func TestWriteFileAndReadFile(t *testing.T) {
	dir := t.TempDir()
	f := &Finding{Version: Version, Test: "TestX/sub", Kind: "panic", Token: "AQ", Steps: []Step{{Step: 1, G: 0, Op: "start", Partner: -1}}}
	path := filepath.Join(dir, CorpusDir(f.Test), f.ID())
	if err := f.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Test != f.Test || got.Token != f.Token || len(got.Steps) != 1 {
		t.Errorf("read back %+v", got)
	}
	if want := filepath.Join("testdata", "interleave", "TestX", "sub"); CorpusDir(f.Test) != want {
		t.Errorf("CorpusDir = %q, want %q", CorpusDir(f.Test), want)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("%d files beside the finding, want none: the temporary file was left", len(entries)-1)
	}
	for _, bad := range []string{"", "{", `{"version": 99, "test": "T", "token": "x"}`, `{"version": 1}`} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted it", bad)
		}
	}
}
