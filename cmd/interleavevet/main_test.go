package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
)

// vetTool builds interleavevet once for the tests of this package.
func vetTool(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds interleavevet")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "interleavevet")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "interleavevet")
		buildOut, buildErr = exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("build: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// TestGoVetsLockChecksRunAsAVetTool runs interleavevet the way CI does,
// as go vet's tool, over a module that copies a sync.Mutex and a
// WaitGroup and calls WaitGroup.Add in the goroutine: go vet -vettool
// runs only the tool's analyzers, so unless interleavevet has copylocks
// and waitgroup nothing reports them.
func TestGoVetsLockChecksRunAsAVetTool(t *testing.T) {
	bin := vetTool(t)
	mod := filepath.Join(t.TempDir(), "m")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module m\n\ngo 1.22\n")
	write("m.go", `package m

import "sync"

type Stats struct {
	mu    sync.Mutex
	count int
}

func (s Stats) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

func work(wg sync.WaitGroup) { wg.Done() }

func all(fs []func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		go func() {
			wg.Add(1)
			defer wg.Done()
			f()
		}()
	}
	wg.Wait()
}
`)
	cmd := exec.Command("go", "vet", "-vettool="+bin, "./...")
	cmd.Dir = mod
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet passed; want copylocks and waitgroup findings:\n%s", out)
	}
	for _, want := range []string{"Count passes lock by value", "work passes lock by value", "WaitGroup.Add called from inside new goroutine"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// knownMisses are the corpus's bugs that interleavevet does not report
// yet, each with why. The test fails when one starts being reported, so
// that the list stays true.
var knownMisses = map[string]string{
	"b72": "a child locks its parent while the parent's Sum locks its children, but nothing in the package sets the two fields as inverses (no AddChild), so they are not known to be (b82 has one)",
}

// TestCorpus runs interleavevet over testdata/corpus: small programs
// written the way people write them, each bNN package with one misuse
// (marked // BUG) and each okNN package a correct look-alike. Every bug
// package must get a finding, but those listed in knownMisses, and no
// ok package may get one. It runs the standalone driver, whose results
// go vet's cache does not keep.
func TestCorpus(t *testing.T) {
	bin := vetTool(t)
	cmd := exec.Command(bin, "./testdata/corpus/...")
	out, _ := cmd.CombinedOutput()
	finding := regexp.MustCompile(`(?m)^(?:\S*/)?testdata/corpus/([a-z0-9]+)/[^:/]+\.go:\d+:\d+: [^\t]`)
	found := make(map[string]int)
	for _, m := range finding.FindAllStringSubmatch(string(out), -1) {
		found[m[1]]++
	}
	dirs, err := os.ReadDir(filepath.Join("testdata", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	var bugs, oks, caught, quiet []string
	for _, d := range dirs {
		name := d.Name()
		switch {
		case strings.HasPrefix(name, "ok"):
			oks = append(oks, name)
			if found[name] == 0 {
				quiet = append(quiet, name)
			} else {
				t.Errorf("%s: correct code, but %d finding(s)", name, found[name])
			}
		case strings.HasPrefix(name, "b"):
			bugs = append(bugs, name)
			_, miss := knownMisses[name]
			switch {
			case found[name] > 0 && miss:
				t.Errorf("%s is reported now: take it out of knownMisses", name)
			case found[name] > 0:
				caught = append(caught, name)
			case !miss:
				t.Errorf("%s: a misuse, but no finding", name)
			}
		}
	}
	if t.Failed() {
		t.Logf("go vet output:\n%s", out)
	}
	sort.Strings(caught)
	if len(bugs) < 50 || len(oks) < 30 || !slices.IsSorted(bugs) {
		t.Fatalf("corpus: %d bug and %d ok packages, want at least 50 and 30", len(bugs), len(oks))
	}
	t.Logf("corpus: %d of %d misuses reported, %d of %d correct programs quiet", len(caught), len(bugs), len(quiet), len(oks))
}
