package instrument

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The cache keeps, between builds, everything an instrumented build is
// made of, at paths that depend only on what is in them: the rewritten
// files (keyed by their inputs), the copies of modules from the module
// cache, the overlay and the module file. The go command's own cache keys
// hold the directories of packages and the replace lines of the module
// file, so a build whose files sit where they sat last time, with the same
// contents, comes out of the go build cache; and a package whose inputs
// did not change is not type-checked again.
//
// Layout, under the cache directory:
//
//	files/xx/KEY-name.go   a rewritten file; KEY hashes its inputs
//	modules/PATH@VERSION-HASH/   an instrumented copy of a module
//	builds/HASH/           overlay.json, x.mod and x.sum of one build
//	harness-HASH/          the harness source the tool carries
//
// Every entry is written under a temporary name and renamed into place,
// so that builds running at the same time see either nothing or a whole
// entry; a rewritten file ends with a checksum, and one that does not
// match is rewritten.

// cacheVersion changes when the layout or the format of entries does.
const cacheVersion = "interleave-cache-1"

// trailer starts the last line of a rewritten file in the cache: the
// checksum of the key and the text before it.
const trailer = "\n//interleave:sum "

// cgoMarker is the text of the entry of a file that uses cgo: it is not
// rewritten, and the build warns about it.
const cgoMarker = "//interleave:cgo\n"

type cache struct {
	dir string
	now time.Time
}

// entryPath returns where the rewritten file of key lives.
func (c *cache) entryPath(key, name string) string {
	return filepath.Join(c.dir, "files", key[:2], key[:40]+"-"+filepath.Base(name))
}

// get returns the text of a rewritten file, if the cache holds a whole one
// for key.
func (c *cache) get(key, name string) (path string, text []byte, ok bool) {
	path = c.entryPath(key, name)
	data, err := os.ReadFile(path)
	if err != nil {
		return path, nil, false
	}
	i := bytes.LastIndex(data, []byte(trailer))
	if i < 0 {
		return path, nil, false
	}
	sum := strings.TrimSuffix(string(data[i+len(trailer):]), "\n")
	if sum != entrySum(key, data[:i]) {
		return path, nil, false
	}
	c.touch(path)
	return path, data[:i], true
}

// put stores the rewritten file of key and returns its path.
func (c *cache) put(key, name string, text []byte) (string, error) {
	path := c.entryPath(key, name)
	data := make([]byte, 0, len(text)+len(trailer)+66)
	data = append(append(append(data, text...), trailer...), entrySum(key, text)+"\n"...)
	return path, writeAtomic(path, data)
}

func entrySum(key string, text []byte) string {
	h := sha256.New()
	h.Write([]byte(key))
	h.Write([]byte{0})
	h.Write(text)
	return hex.EncodeToString(h.Sum(nil))
}

// writeAtomic writes a file under a temporary name and renames it into
// place.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// writeStable writes a file unless it holds data already: a file the go
// command reads at the same path with the same contents keeps its cache
// keys.
func writeStable(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return writeAtomic(path, data)
}

// touch marks an entry used, at most once an hour, so that trim keeps it.
func (c *cache) touch(path string) {
	if fi, err := os.Stat(path); err == nil && c.now.Sub(fi.ModTime()) > time.Hour {
		os.Chtimes(path, c.now, c.now)
	}
}

const (
	trimEvery  = 24 * time.Hour
	trimUnused = 5 * 24 * time.Hour
)

// trim removes, once a day, the entries no build used for five days, and
// temporary files that a build killed midway left behind.
func (c *cache) trim() {
	mark := filepath.Join(c.dir, "trim.txt")
	if fi, err := os.Stat(mark); err == nil && c.now.Sub(fi.ModTime()) < trimEvery {
		return
	}
	if os.WriteFile(mark, []byte(c.now.UTC().Format(time.RFC3339)+"\n"), 0o644) != nil {
		return
	}
	old := func(path string, age time.Duration) bool {
		fi, err := os.Lstat(path)
		return err == nil && c.now.Sub(fi.ModTime()) > age
	}
	var dirs []string
	for _, pat := range []string{"files/*/*", "modules/*", "builds/*", "harness-*", ".tmp-*"} {
		m, _ := filepath.Glob(filepath.Join(c.dir, pat))
		dirs = append(dirs, m...)
	}
	for _, path := range dirs {
		age := trimUnused
		if strings.HasPrefix(filepath.Base(path), ".tmp-") {
			age = trimEvery
		}
		if old(path, age) {
			os.RemoveAll(path)
		}
	}
}

// toolID identifies the build of the running program: the rewriter that
// made an entry, and the harness it made it for. It is the go command's
// build ID of the executable, or else a hash of the executable.
var toolID = sync.OnceValues(func() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		if s := f.Section(".note.go.buildid"); s != nil {
			// A note: name size, desc size, type, "Go\x00\x00", the ID.
			if data, err := s.Data(); err == nil && len(data) > 16 && string(data[12:16]) == "Go\x00\x00" {
				if n := int(f.ByteOrder.Uint32(data[4:8])); n > 0 && 16+n <= len(data) {
					return "buildid " + string(data[16:16+n]), nil
				}
			}
		}
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	const prefix = "\xff Go build ID: \""
	if i := bytes.Index(head[:n], []byte(prefix)); i >= 0 {
		if j := bytes.IndexByte(head[i+len(prefix):n], '"'); j > 0 {
			return "buildid " + string(head[i+len(prefix):i+len(prefix)+j]), nil
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return "sha256 " + hex.EncodeToString(h.Sum(nil)), nil
})

// goEnv is what the build depends on of the go command's configuration.
type goEnv struct {
	GOVERSION, GOROOT, GOOS, GOARCH, GOEXPERIMENT, CGO_ENABLED, GOMODCACHE string
}

func readGoEnv(dir string, env []string) (*goEnv, error) {
	cmd := exec.Command("go", "env", "-json", "GOVERSION", "GOROOT", "GOOS", "GOARCH", "GOEXPERIMENT", "CGO_ENABLED", "GOMODCACHE")
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %v\n%s", err, stderr.Bytes())
	}
	var e goEnv
	if err := json.Unmarshal(out, &e); err != nil {
		return nil, fmt.Errorf("go env: %v", err)
	}
	if e.GOROOT == "" || e.GOVERSION == "" {
		return nil, errors.New("go env: no GOROOT or GOVERSION")
	}
	return &e, nil
}

// inModCache reports whether dir is in the module cache, whose files do
// not change.
func (e *goEnv) inModCache(dir string) bool {
	return e.GOMODCACHE != "" && dir != "" && strings.HasPrefix(dir, e.GOMODCACHE+string(filepath.Separator))
}

// inGoroot reports whether dir is in the standard library.
func (e *goEnv) inGoroot(dir string) bool {
	return strings.HasPrefix(dir, filepath.Join(e.GOROOT, "src")+string(filepath.Separator))
}

// hashFile returns the SHA-256 of a file's contents.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ensureDir makes sure that dir holds what fill writes into an empty
// directory, as one entry: it reuses dir when ok says it is whole, and
// otherwise fills a temporary directory and renames it into place.
func ensureDir(c *cache, dir string, ok func(dir string) bool, fill func(tmp string) error) error {
	if ok(dir) {
		c.touch(dir)
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-"+filepath.Base(dir)+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := fill(tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		err := os.Rename(tmp, dir)
		if err == nil {
			return nil
		}
		if ok(dir) {
			return nil // another build made it first
		}
		if attempt > 0 {
			return err
		}
		// A broken entry: move it out of the way. A build that uses it now
		// would fail with it anyway.
		if _, serr := os.Stat(dir); serr == nil {
			trash, terr := os.MkdirTemp(filepath.Dir(dir), ".tmp-broken-")
			if terr != nil {
				return terr
			}
			if rerr := os.Rename(dir, filepath.Join(trash, "x")); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
				os.RemoveAll(trash)
				return rerr
			}
			os.RemoveAll(trash)
		}
	}
}
