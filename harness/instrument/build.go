// Package instrument rewrites Go packages so that an exploration controls
// their goroutines: it loads the packages under test and their
// dependencies outside the standard library, type-checked, rewrites every
// operation that blocks or orders goroutines into a call of the runtime ABI
// (package harness/rt), and prepares a build that uses the rewritten files
// without touching the user's tree: an overlay for `go build -overlay` and
// a temporary module file for `-modfile`.
package instrument

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// A Config says what to instrument.
type Config struct {
	Dir        string   // the directory the packages are named from; "" for the current one
	Patterns   []string // the packages under test, as go test takes them
	BuildFlags []string // build flags for loading, such as -tags
	Env        []string // the environment of the go command; nil for the process's
	// CacheDir keeps what can be reused between builds: the harness source
	// and instrumented copies of modules from the module cache. "" uses
	// the user cache directory.
	CacheDir string
}

// A Build is a prepared instrumented build. Close removes its files.
type Build struct {
	dir      string // temporary directory
	overlay  string
	modfile  string
	Packages []string          // import paths of the packages under test
	Dirs     map[string]string // the directory of each package under test
	Warnings []string
	Files    int // files rewritten
}

// Flags returns the go command flags that build with the instrumentation.
func (b *Build) Flags() []string {
	flags := []string{"-overlay=" + b.overlay}
	if b.modfile != "" {
		flags = append(flags, "-modfile="+b.modfile, "-mod=mod")
	}
	return flags
}

// Close removes the build's temporary files.
func (b *Build) Close() error { return os.RemoveAll(b.dir) }

// Env returns the environment the go command must run in for the build.
func Env(base []string) []string {
	if base == nil {
		base = os.Environ()
	}
	return append(base[:len(base):len(base)], "GOWORK=off", "GOFLAGS=")
}

// Prepare loads, rewrites and prepares a build of cfg's packages and their
// tests. Errors in the packages (they do not build) are returned as they
// are, with positions in the user's files.
func Prepare(cfg Config) (*Build, error) {
	if len(cfg.Patterns) == 0 {
		cfg.Patterns = []string{"."}
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	cache, err := cacheDir(cfg.CacheDir)
	if err != nil {
		return nil, err
	}
	env := Env(cfg.Env)
	pkgs, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedDeps | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo |
			packages.NeedModule | packages.NeedEmbedFiles,
		Dir:        dir,
		Env:        env,
		BuildFlags: cfg.BuildFlags,
		Tests:      true,
	}, cfg.Patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading packages: %v", err)
	}
	if err := loadErrors(pkgs); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "interleave-build-")
	if err != nil {
		return nil, err
	}
	b := &Build{dir: tmp}
	ok := false
	defer func() {
		if !ok {
			b.Close()
		}
	}()
	p := &planner{b: b, cache: cache, overlay: make(map[string]string), done: make(map[string]bool),
		copies: make(map[string]*moduleCopy), targets: make(map[string]bool)}
	b.Dirs = make(map[string]string)
	for _, pkg := range pkgs {
		if pkg.Name != "" && !strings.HasSuffix(pkg.ID, ".test") {
			path := strings.TrimSuffix(pkg.PkgPath, "_test")
			p.targets[path] = true
			if files := pkg.GoFiles; len(files) > 0 && b.Dirs[path] == "" {
				b.Dirs[path] = filepath.Dir(files[0])
			}
		}
	}
	for path := range p.targets {
		b.Packages = append(b.Packages, path)
	}
	sort.Strings(b.Packages)
	var main *packages.Module
	// The walk does not go through interleave's own packages: what only
	// the harness or the models use (porcupine, gopter) is not code under
	// test, and stays as it is.
	seen := make(map[*packages.Package]bool)
	var walk func(pkg *packages.Package)
	walk = func(pkg *packages.Package) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		if pkg.Module != nil && pkg.Module.Main {
			main = pkg.Module
		}
		if isTool(pkg.PkgPath) {
			return
		}
		paths := make([]string, 0, len(pkg.Imports))
		for path := range pkg.Imports {
			paths = append(paths, path)
		}
		sort.Strings(paths)
		for _, path := range paths {
			walk(pkg.Imports[path])
		}
		if err == nil {
			err = p.instrument(pkg)
		}
	}
	for _, pkg := range pkgs {
		walk(pkg)
	}
	// A module copied for the code under test must also hold the packages
	// that only interleave's own code imports (gopter's prop, say), as
	// they are: the copy replaces the whole module.
	packages.Visit(pkgs, nil, func(pkg *packages.Package) {
		if err != nil || pkg.Module == nil {
			return
		}
		mod := pkg.Module
		if mod.Replace != nil {
			mod = mod.Replace
		}
		if cp, ok := p.copies[mod.Path]; ok && !cp.has(pkg.PkgPath) {
			err = cp.addPackage(pkg)
		}
	})
	if err != nil {
		return nil, err
	}
	if main == nil {
		return nil, errors.New("the packages are not in a module: interleave needs a go.mod")
	}
	if err := p.finishCopies(); err != nil {
		return nil, err
	}
	if err := p.writeModFile(main); err != nil {
		return nil, err
	}
	data, err := json.Marshal(struct{ Replace map[string]string }{p.overlay})
	if err != nil {
		return nil, err
	}
	b.overlay = filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(b.overlay, data, 0o644); err != nil {
		return nil, err
	}
	ok = true
	return b, nil
}

// loadErrors reports the errors of packages that do not build.
func loadErrors(pkgs []*packages.Package) error {
	var msgs []string
	seen := make(map[string]bool)
	packages.Visit(pkgs, nil, func(pkg *packages.Package) {
		for _, e := range pkg.Errors {
			if s := e.Error(); !seen[s] {
				seen[s] = true
				msgs = append(msgs, s)
			}
		}
	})
	if len(msgs) > 0 {
		return fmt.Errorf("the packages do not build:\n%s", strings.Join(msgs, "\n"))
	}
	return nil
}

func cacheDir(dir string) (string, error) {
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no cache directory: %v", err)
		}
		dir = filepath.Join(base, "interleave")
	}
	return dir, os.MkdirAll(dir, 0o755)
}

// planner decides, package by package, where the rewritten files go.
type planner struct {
	b       *Build
	cache   string
	overlay map[string]string      // original file -> rewritten file
	done    map[string]bool        // files already rewritten
	copies  map[string]*moduleCopy // module path -> its instrumented copy
	targets map[string]bool        // import paths of the packages under test
	main    *packages.Module
}

// skip reports whether a package is left as it is: the standard library,
// the harness itself, and the test main that go test generates.
func skip(pkg *packages.Package) bool {
	if pkg.Module == nil || pkg.Name == "" || strings.HasSuffix(pkg.ID, ".test") {
		return true
	}
	return isTool(pkg.PkgPath)
}

// isTool reports whether a package is interleave's own checking code (the
// harness and its packages, the models) rather than code under test. The
// primitives are code under test.
func isTool(path string) bool {
	path = strings.TrimSuffix(path, "_test")
	if strings.Contains(path, "/testdata/") {
		return false // programs the tests of these packages check
	}
	for _, root := range []string{harnessPath, modelsPath} {
		if path == root || strings.HasPrefix(path, root+"/") {
			return true
		}
	}
	return false
}

// instrument rewrites the files of one package.
func (p *planner) instrument(pkg *packages.Package) error {
	if skip(pkg) {
		return nil
	}
	target := p.targets[strings.TrimSuffix(pkg.PkgPath, "_test")]
	mod := pkg.Module
	if mod.Replace != nil {
		mod = mod.Replace
	}
	var cp *moduleCopy
	if inModCache(mod.Dir) {
		cp = p.copyOf(mod)
		if err := cp.addPackage(pkg); err != nil {
			return err
		}
	}
	lang := ""
	if pkg.Module.Main || cp != nil {
		// The build raises the module's go line to the harness's; each
		// file keeps its module's language version, but at least go1.18,
		// whose generics the rewritten calls use (the versions before it
		// only added to the language).
		gv := mod.GoVersion
		if gv == "" {
			gv = "1.16" // a go.mod without a go line
		}
		if versionLess(gv, harnessGoVersion()) {
			v := langVersion(gv)
			if versionLess(v, "1.18") {
				v = "1.18"
			}
			lang = "go" + v
		}
	}
	byName := make(map[string]*ast.File)
	for _, f := range pkg.Syntax {
		byName[pkg.Fset.File(f.Pos()).Name()] = f
	}
	for _, name := range pkg.GoFiles {
		if p.done[name] {
			continue
		}
		f, ok := byName[name]
		if !ok {
			// A cgo file: go/packages type-checked what cgo made of it.
			p.b.Warnings = append(p.b.Warnings, fmt.Sprintf("%s: uses cgo; its operations are not instrumented", name))
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		isTest := strings.HasSuffix(name, "_test.go")
		out, err := rewriteFile(pkg.Fset, f, src, pkg.TypesInfo, fileOptions{
			path: name, wrap: target && isTest, lang: lang, mark: target && isTest,
		})
		if err != nil {
			return err
		}
		p.done[name] = true
		p.b.Files++
		if cp != nil {
			if err := cp.writeFile(name, out); err != nil {
				return err
			}
			continue
		}
		dst := filepath.Join(p.b.dir, "overlay", hashOf(name)[:16]+"_"+filepath.Base(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, []byte(out), 0o644); err != nil {
			return err
		}
		p.overlay[name] = dst
	}
	return nil
}

func hashOf(parts ...string) string {
	h := sha256.New()
	for _, s := range parts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
