package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/interleave-go/interleave/harness/report"
)

// fakeFinding is a finding of example.com/m/p's TestX with a trace of
// steps steps; findings of one key differ only in their traces.
func fakeFinding(key string, steps int, token string) *report.Finding {
	f := &report.Finding{Version: report.Version, Package: "example.com/m/p", Test: "TestX", Kind: "deadlock",
		Message: "all goroutines are blocked (" + key + ")", Token: token, FailG: -1,
		Goroutines: []report.Goroutine{{G: 1, Blocked: true, File: "/src/p.go", Line: 7}}}
	for i := range steps {
		f.Steps = append(f.Steps, report.Step{Step: i + 1, G: i % 2, Op: "Lock", Partner: -1})
	}
	return f
}

func writeFinding(t *testing.T, path string, f *report.Finding) {
	t.Helper()
	if err := f.WriteFile(path); err != nil {
		t.Fatal(err)
	}
}

func writeStatsFile(t *testing.T, dir string, st corpusStats) {
	t.Helper()
	st.Version = statsVersion
	data, err := st.marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(filepath.Join(dir, statsName(st.Seed, st.Shard)), data); err != nil {
		t.Fatal(err)
	}
}

func TestCorpusMergeKeepsEachFindingOnceWithTheShortestTrace(t *testing.T) {
	tmp := t.TempDir()
	mod := filepath.Join(tmp, "m")
	writeModule(t, mod, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n", "p/p.go": "package p\n"})
	corpusOf := func(root string) string { return filepath.Join(root, "p", "testdata", "interleave") }

	// Worker 1 left a module's copy: finding A with 5 steps, a file that
	// is not a finding, and its stats.
	w1 := filepath.Join(tmp, "w1")
	a5 := fakeFinding("A", 5, "tokA5")
	writeFinding(t, filepath.Join(corpusOf(w1), "TestX", a5.ID()), a5)
	os.WriteFile(filepath.Join(corpusOf(w1), "TestX", "notes.txt"), []byte("not json"), 0o644)
	writeStatsFile(t, corpusOf(w1), corpusStats{Package: "example.com/m/p", Seed: 7, Shard: "0/2", Runs: 100, Pairs: []string{"a -> b"}})
	// Worker 2's artifact holds a corpus's contents only: A again with 3
	// steps (under another name), B, and the stats of worker 1 at an
	// earlier point and its own.
	w2 := filepath.Join(tmp, "w2")
	a3, b := fakeFinding("A", 3, "tokA3"), fakeFinding("B", 4, "tokB")
	writeFinding(t, filepath.Join(w2, "TestX", "renamed"), a3)
	writeFinding(t, filepath.Join(w2, "TestX", b.ID()), b)
	writeStatsFile(t, w2, corpusStats{Package: "example.com/m/p", Seed: 7, Shard: "0/2", Runs: 50, Pairs: []string{"a -> b"}})
	writeStatsFile(t, w2, corpusStats{Package: "example.com/m/p", Seed: 7, Shard: "1/2", Runs: 30, Pairs: []string{"c -> d"}})
	// A finding of a package the module does not have.
	other := fakeFinding("C", 2, "tokC")
	other.Package = "example.com/elsewhere"
	writeFinding(t, filepath.Join(w2, "TestX", other.ID()), other)

	code, out := run(t, mod, "corpus", "merge", w1, w2)
	if code != 0 {
		t.Fatalf("corpus merge = exit %d, want 0:\n%s", code, out)
	}
	for _, want := range []string{
		"new: TestX: deadlock: all goroutines are blocked (A)",
		"new: TestX: deadlock: all goroutines are blocked (B)",
		"2 new findings, 0 replaced",
		"notes.txt",
		`package "example.com/elsewhere" is not in module example.com/m`,
		"2 workers, 130 runs, coverage: 2 ordered pairs",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("merge output lacks %q:\n%s", want, out)
		}
	}
	got := map[string]int{}
	report.WalkCorpus(filepath.Join(mod, "p"), func(path string, f *report.Finding, err error) {
		if err != nil {
			t.Errorf("merged corpus: %v", err)
			return
		}
		got[f.Token]++
		if filepath.Base(path) != f.ID() {
			t.Errorf("%s: named %s, want its id %s", path, filepath.Base(path), f.ID())
		}
	})
	if len(got) != 2 || got["tokA3"] != 1 || got["tokB"] != 1 {
		t.Errorf("merged corpus holds %v, want tokA3 (the shortest A) and tokB once each", got)
	}
	st, err := readStatsFile(filepath.Join(corpusOf(mod), statsName(7, "0/2")))
	if err != nil || st.Runs != 100 {
		t.Errorf("stats of worker 0/2: %+v, %v; want its latest, 100 runs", st, err)
	}

	// Again: nothing new, not a byte changed.
	before := treeHash(t, mod)
	code, out = run(t, mod, "corpus", "merge", w2, w1)
	if code != 0 || !strings.Contains(out, "merge: nothing new") || strings.Contains(out, "new: ") {
		t.Errorf("second merge = exit %d, want 0 and nothing new:\n%s", code, out)
	}
	if treeHash(t, mod) != before {
		t.Errorf("the second merge changed files")
	}

	// A shorter trace of A replaces the one kept; its file keeps its name.
	w3 := filepath.Join(tmp, "w3", "testdata", "interleave")
	a2 := fakeFinding("A", 2, "tokA2")
	writeFinding(t, filepath.Join(w3, "TestX", "x"), a2)
	code, out = run(t, mod, "corpus", "merge", filepath.Dir(filepath.Dir(w3)))
	if code != 0 || !strings.Contains(out, "shorter (2 steps, was 3): TestX: deadlock: all goroutines are blocked (A)") || !strings.Contains(out, "0 new findings, 1 replaced") {
		t.Errorf("merge of a shorter trace = exit %d, want it to replace A:\n%s", code, out)
	}
	if f, err := report.ReadFile(filepath.Join(corpusOf(mod), "TestX", a5.ID())); err != nil || f.Token != "tokA2" {
		t.Errorf("A after the merge: %v, %v; want tokA2 in its file", f, err)
	}

	// corpus list prints each finding on one line.
	code, out = run(t, mod, "corpus", "list")
	lines := regexp.MustCompile(`(?m)^TestX +deadlock +all goroutines are blocked \([AB]\) +p/testdata/interleave/TestX/[0-9a-f]{16}$`).FindAllString(out, -1)
	if code != 0 || len(lines) != 2 || !strings.Contains(out, "2 findings") {
		t.Errorf("corpus list = exit %d, want 2 lines:\n%s", code, out)
	}

	// A directory that is not there: exit 2, and nothing is written,
	// even from the directories before it.
	before = treeHash(t, mod)
	w4 := filepath.Join(tmp, "w4")
	c := fakeFinding("D", 2, "tokD")
	writeFinding(t, filepath.Join(w4, "p", "testdata", "interleave", "TestX", c.ID()), c)
	code, out = run(t, mod, "corpus", "merge", w4, filepath.Join(tmp, "nowhere"))
	if code != 2 || !strings.Contains(out, "nowhere: no such directory") {
		t.Errorf("merge of a missing directory = exit %d, want 2 and the directory named:\n%s", code, out)
	}
	if treeHash(t, mod) != before {
		t.Errorf("a merge that failed changed files")
	}
}

func TestCorpusBadUsage(t *testing.T) {
	dir := t.TempDir()
	writeModule(t, dir, map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n", "p.go": "package m\n"})
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"corpus"}, "usage: interleave corpus merge"},
		{[]string{"corpus", "frob"}, "unknown command"},
		{[]string{"corpus", "merge"}, "no directory to merge"},
		{[]string{"corpus", "merge", "nowhere"}, "nowhere: no such directory"},
		{[]string{"corpus", "merge", "p.go"}, "p.go: not a directory"},
		{[]string{"corpus", "list", "nowhere"}, "nowhere: not a directory"},
	} {
		code, out := run(t, dir, c.args...)
		if code != 2 || !strings.Contains(out, c.want) {
			t.Errorf("interleave %q = exit %d, want 2 and %q in:\n%s", c.args, code, c.want, out)
		}
	}
	outside := t.TempDir()
	if code, out := run(t, outside, "corpus", "merge", dir); code != 2 || !strings.Contains(out, "not in a module") {
		t.Errorf("corpus merge outside a module = exit %d, want 2:\n%s", code, out)
	}
}
