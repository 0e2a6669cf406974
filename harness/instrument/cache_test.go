package instrument

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// A module of two packages: p's code locks a mutex of q's type, so how p
// is rewritten depends on q.
var cacheModule = map[string]string{
	"go.mod": "module example.com/c\n\ngo 1.22\n",
	"q/q.go": "package q\n\nimport \"sync\"\n\ntype Box struct {\n\tMu sync.Mutex\n\tN  int\n}\n",
	"p/p.go": "package p\n\nimport \"example.com/c/q\"\n\nfunc Inc(b *q.Box) {\n\tb.Mu.Lock()\n\tb.N++\n\tb.Mu.Unlock()\n}\n",
	"p/p_test.go": `package p

import (
	"testing"

	"example.com/c/q"
)

func TestInc(t *testing.T) {
	var b q.Box
	Inc(&b)
	if b.N != 1 {
		t.Fatal(b.N)
	}
}
`,
}

// q's Box once its mutex is a type of its own, whose Lock is an ordinary
// method: p's calls are no longer the harness's.
const ownMutex = "package q\n\ntype Mutex struct{ held bool }\n\nfunc (m *Mutex) Lock()   { m.held = true }\nfunc (m *Mutex) Unlock() { m.held = false }\n\ntype Box struct {\n\tMu Mutex\n\tN  int\n}\n"

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func prepare(t *testing.T, dir, cache string, patterns ...string) *Build {
	t.Helper()
	b, err := Prepare(Config{Dir: dir, Patterns: patterns, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// overlaid returns the rewritten text the build uses for a file.
func overlaid(t *testing.T, b *Build, file string) string {
	t.Helper()
	data, err := os.ReadFile(b.overlay)
	if err != nil {
		t.Fatal(err)
	}
	var o struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &o); err != nil {
		t.Fatal(err)
	}
	target, ok := o.Replace[file]
	if !ok {
		t.Fatalf("%s is not in the overlay %s", file, data)
	}
	text, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

func TestCacheRebuildsNothingUnchanged(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	writeFiles(t, dir, cacheModule)
	first := prepare(t, dir, cache, "./p")
	if first.Files != 3 || first.Cached != 0 || len(first.Checked) == 0 {
		t.Fatalf("first build: %d files, %d cached, checked %q; want 3 files rewritten, none cached", first.Files, first.Cached, first.Checked)
	}
	second := prepare(t, dir, cache, "./p")
	if second.Files != 3 || second.Cached != 3 || len(second.Checked) != 0 {
		t.Errorf("second build: %d files, %d cached, checked %q; want all 3 from the cache, nothing type-checked", second.Files, second.Cached, second.Checked)
	}
	if !slices.Equal(first.Flags(), second.Flags()) {
		t.Errorf("the build moved: %q, then %q", first.Flags(), second.Flags())
	}
}

func TestCacheRewritesWhatChanged(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	writeFiles(t, dir, cacheModule)
	pfile := filepath.Join(dir, "p", "p.go")
	b := prepare(t, dir, cache, "./p")
	if text := overlaid(t, b, pfile); !strings.Contains(text, rtName+".Lock(&(b.Mu))") {
		t.Fatalf("p.go does not lock through the harness:\n%s", text)
	}

	// A dependency changed: p.go itself did not, but its types did.
	writeFiles(t, dir, map[string]string{"q/q.go": ownMutex})
	b = prepare(t, dir, cache, "./p")
	if !slices.Contains(b.Checked, "example.com/c/p") || !slices.Contains(b.Checked, "example.com/c/q") {
		t.Errorf("after q changed, type-checked %q; want p and q", b.Checked)
	}
	if text := overlaid(t, b, pfile); strings.Contains(text, rtName+".Lock") || !strings.Contains(text, "b.Mu.Lock()") {
		t.Errorf("p.go still locks q's own Mutex through the harness:\n%s", text)
	}

	// The file itself changed.
	writeFiles(t, dir, map[string]string{
		"q/q.go": cacheModule["q/q.go"],
		"p/p.go": strings.Replace(cacheModule["p/p.go"], "b.N++", "b.N += 1", 1),
	})
	b = prepare(t, dir, cache, "./p")
	if text := overlaid(t, b, pfile); !strings.Contains(text, "b.N += 1") || !strings.Contains(text, rtName+".Lock(&(b.Mu))") {
		t.Errorf("p.go is not the new one, rewritten:\n%s", text)
	}
	// Back to the first version: the first entries serve again.
	writeFiles(t, dir, cacheModule)
	if b = prepare(t, dir, cache, "./p"); b.Cached != 3 || len(b.Checked) != 0 {
		t.Errorf("back to the first version: %d of %d cached, checked %q; want every file from the cache", b.Cached, b.Files, b.Checked)
	}
}

func TestCacheRebuildsBrokenEntries(t *testing.T) {
	// testdata/deps uses errgroup, from the module cache: its build holds
	// a copy of golang.org/x/sync besides the overlay.
	dir, err := filepath.Abs("../../testdata/deps")
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	first := prepare(t, dir, cache, "./...")
	copies, _ := filepath.Glob(filepath.Join(cache, "modules", "golang.org_x_sync@*", "errgroup", "errgroup.go"))
	entries, _ := filepath.Glob(filepath.Join(cache, "files", "*", "*"))
	harness, _ := filepath.Glob(filepath.Join(cache, "harness-*", "harness", "rt", "sync.go"))
	if len(copies) != 1 || len(entries) < 3 || len(harness) != 1 {
		t.Fatalf("cache after one build: copies %q, entries %q, harness %q", copies, entries, harness)
	}
	want, err := os.ReadFile(copies[0])
	if err != nil {
		t.Fatal(err)
	}
	// Damage every entry: a rewritten file cut short or changed, the
	// module copy's instrumented file reverted, the harness cut short.
	good := make(map[string][]byte)
	for i, path := range entries {
		data, _ := os.ReadFile(path)
		good[path] = data
		if i%2 == 0 {
			data = data[:len(data)/2]
		} else {
			data = append([]byte("var broken = 1\n"), data...)
		}
		os.WriteFile(path, data, 0o644)
	}
	os.WriteFile(copies[0], []byte("package errgroup\n"), 0o644)
	os.WriteFile(harness[0], []byte("package rt\n"), 0o644)

	second := prepare(t, dir, cache, "./...")
	if second.Cached != 0 || len(second.Checked) == 0 {
		t.Errorf("after the damage: %d of %d files from the cache, checked %q; want every file rewritten again", second.Cached, second.Files, second.Checked)
	}
	if !slices.Equal(first.Flags(), second.Flags()) {
		t.Errorf("the build moved: %q, then %q", first.Flags(), second.Flags())
	}
	for _, path := range entries {
		if data, _ := os.ReadFile(path); !bytes.Equal(data, good[path]) {
			t.Errorf("%s is still broken:\n%s", path, data)
		}
	}
	if got, _ := os.ReadFile(copies[0]); !bytes.Equal(got, want) {
		t.Errorf("the copy of errgroup.go is still broken:\n%s", got)
	}
	if got, _ := os.ReadFile(harness[0]); string(got) == "package rt\n" {
		t.Errorf("the harness copy is still broken")
	}
	if testing.Short() {
		return
	}
	// And it builds.
	cmd := exec.Command("go", append(append([]string{"test", "-count=1", "-run", "^$"}, second.Flags()...), "./...")...)
	cmd.Dir, cmd.Env = dir, Env(nil)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test of the rebuilt build: %v\n%s", err, out)
	}
}

func TestCacheSharedByConcurrentBuilds(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	writeFiles(t, dir, cacheModule)
	const n = 4
	builds := make([]*Build, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			builds[i], errs[i] = Prepare(Config{Dir: dir, Patterns: []string{"./p"}, CacheDir: cache})
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("build %d: %v", i, errs[i])
		}
		if !slices.Equal(builds[i].Flags(), builds[0].Flags()) {
			t.Errorf("builds %d and 0 differ: %q, %q", i, builds[i].Flags(), builds[0].Flags())
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(cache, "*", ".tmp-*"))
	more, _ := filepath.Glob(filepath.Join(cache, "*", "*", ".tmp-*"))
	if len(leftovers)+len(more) > 0 {
		t.Errorf("temporary files left in the cache: %q", append(leftovers, more...))
	}
	if b := prepare(t, dir, cache, "./p"); b.Cached != b.Files {
		t.Errorf("after the concurrent builds, %d of %d files from the cache", b.Cached, b.Files)
	}
}
