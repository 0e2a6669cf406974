package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoVetsLockChecksRunAsAVetTool builds interleavevet and runs it
// the way CI does, as go vet's tool, over a module that copies a
// sync.Mutex and a WaitGroup and calls WaitGroup.Add in the goroutine:
// go vet -vettool runs only the tool's analyzers, so unless
// interleavevet has copylocks and waitgroup nothing reports them.
func TestGoVetsLockChecksRunAsAVetTool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds interleavevet")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "interleavevet")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	mod := filepath.Join(dir, "m")
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
		t.Fatalf("go vet passed; want copylocks findings:\n%s", out)
	}
	for _, want := range []string{"Count passes lock by value", "work passes lock by value", "WaitGroup.Add called from inside new goroutine"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
