package golangci_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// golangciLint is the golangci-lint the plugin is built into, as
// golangci-lint custom would with "version: v2.15.0".
const golangciLint = "github.com/golangci/golangci-lint/v2@v2.15.0"

// TestGolangciLintCustom builds golangci-lint with the plugin the way
// golangci-lint custom does (custom git-clones golangci-lint, which this
// test cannot count on; it takes golangci-lint's main package from the
// module proxy instead): a module whose main is golangci-lint's own
// cmd/golangci-lint/main.go beside a file with a blank import of the
// plugin, this repository replacing the plugin's module, go mod tidy,
// go build. The binary then lints a fixture with a .golangci.yml that
// enables the plugin, and the findings come out in golangci-lint's own
// output; settings turn an analyzer off, and a misspelt one is an error.
//
// It needs the module proxy and builds golangci-lint (about a minute
// with warm caches; the go build cache is shared with everything else).
// It is skipped, saying so, only when the proxy cannot be reached.
func TestGolangciLintCustom(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command: %v", err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOLANGCI_LINT_CACHE="+filepath.Join(work, "lint-cache"))
	run := func(dir string, name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	// The proxy first: without it there is nothing to build.
	out, err := run(work, goTool, "mod", "download", "-json", golangciLint)
	var mod struct{ Dir, Error string }
	if jerr := json.Unmarshal([]byte(out), &mod); err != nil || jerr != nil || mod.Dir == "" {
		t.Skipf("the module proxy cannot be reached, so golangci-lint cannot be built: go mod download %s: %v %s\n%s", golangciLint, err, mod.Error, out)
	}

	// The module golangci-lint custom would make.
	gcl := filepath.Join(work, "gcl")
	mainGo, err := os.ReadFile(filepath.Join(mod.Dir, "cmd", "golangci-lint", "main.go"))
	if err != nil {
		t.Fatalf("golangci-lint's main: %v", err)
	}
	version := golangciLint[strings.IndexByte(golangciLint, '@')+1:]
	write(t, filepath.Join(gcl, "go.mod"), `module interleave.test/custom-gcl

go 1.26.0

require (
	github.com/golangci/golangci-lint/v2 `+version+`
	github.com/interleave-go/interleave v0.0.0-00010101000000-000000000000
)

replace github.com/interleave-go/interleave => `+root+`
`)
	write(t, filepath.Join(gcl, "main.go"), string(mainGo))
	write(t, filepath.Join(gcl, "plugins.go"), "package main\n\nimport _ \"github.com/interleave-go/interleave/analyzers/golangci\"\n")
	if out, err := run(gcl, goTool, "mod", "tidy"); err != nil {
		if unreachable(out) {
			t.Skipf("the module proxy cannot be reached for golangci-lint's dependencies: go mod tidy: %v\n%s", err, out)
		}
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	bin := filepath.Join(work, "custom-gcl")
	if out, err := run(gcl, goTool, "build", "-o", bin, "."); err != nil {
		t.Fatalf("go build of golangci-lint with the plugin: %v\n%s", err, out)
	}

	// A fixture: a lock left held on an early return, and a helper of
	// another package that sleeps, called under the lock (a fact).
	fix := filepath.Join(work, "fixture")
	write(t, filepath.Join(fix, "go.mod"), "module fixture\n\ngo 1.26.0\n")
	write(t, filepath.Join(fix, "store.go"), `package fixture

import (
	"errors"
	"sync"

	"fixture/help"
)

type store struct {
	mu     sync.Mutex
	closed bool
	m      map[string]int
}

func (s *store) get(k string) (int, error) {
	s.mu.Lock()
	if s.closed {
		return 0, errors.New("closed")
	}
	v := s.m[k]
	s.mu.Unlock()
	return v, nil
}

func (s *store) retry(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	help.Backoff(n)
}
`)
	write(t, filepath.Join(fix, "help", "help.go"), `package help

import "time"

// Backoff sleeps before a retry.
func Backoff(n int) { time.Sleep(time.Duration(n) * time.Millisecond) }
`)
	config := func(name, settings string) string {
		path := filepath.Join(fix, name)
		write(t, path, `version: "2"
linters:
  default: none
  enable:
    - interleave
  settings:
    custom:
      interleave:
        type: module
        description: misuse of locks, semaphores and channels
`+settings)
		return path
	}

	lint := func(cfg string) (string, int) {
		out, err := run(fix, bin, "run", "-c", cfg, "./...")
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return out, exit.ExitCode()
		}
		if err != nil {
			t.Fatalf("golangci-lint run: %v\n%s", err, out)
		}
		return out, 0
	}

	out, code := lint(config(".golangci.yml", ""))
	for _, want := range []string{
		"store.go:17:11: unbalanced: sync.Mutex.Lock of s.mu is not released on the return at line 19",
		"store.go:29:14: holdblock: call of Backoff may block while holding s.mu (sync.Mutex.Lock at line 27): time.Sleep at help.go:6 in help.Backoff",
		"(interleave)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("golangci-lint run: output lacks %q; got:\n%s", want, out)
		}
	}
	if code != 1 {
		t.Errorf("golangci-lint run with findings: exit code %d, want 1\n%s", code, out)
	}

	out, code = lint(config("only-holdblock.yml", "        settings:\n          analyzers:\n            unbalanced: false\n"))
	if strings.Contains(out, "unbalanced:") || !strings.Contains(out, "holdblock:") || code != 1 {
		t.Errorf("golangci-lint run with unbalanced off: exit code %d, want 1 and holdblock's finding alone; got:\n%s", code, out)
	}

	out, code = lint(config("misspelt.yml", "        settings:\n          analyzers:\n            unbalansed: false\n"))
	if !strings.Contains(out, `no analyzer "unbalansed"`) || code == 0 || code == 1 {
		t.Errorf("golangci-lint run with a misspelt analyzer: exit code %d, want an error naming it; got:\n%s", code, out)
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// unreachable reports whether the go command's output tells of a
// network failure reaching the module proxy.
func unreachable(out string) bool {
	for _, s := range []string{"dial tcp", "no such host", "connection refused", "i/o timeout", "network is unreachable", "TLS handshake timeout", "proxyconnect"} {
		if strings.Contains(out, s) {
			return true
		}
	}
	return false
}
