// Package instrument rewrites Go packages so that an exploration controls
// their goroutines: it loads the packages under test and their
// dependencies outside the standard library, type-checked, rewrites every
// operation that blocks or orders goroutines into a call of the runtime ABI
// (package harness/rt), and prepares a build that uses the rewritten files
// without touching the user's tree: an overlay for `go build -overlay` and
// a module file for `-modfile`, kept in a cache (see cache.go).
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
	"time"

	"golang.org/x/tools/go/packages"
)

// A Config says what to instrument.
type Config struct {
	Dir        string   // the directory the packages are named from; "" for the current one
	Patterns   []string // the packages under test, as go test takes them
	BuildFlags []string // build flags for loading, such as -tags
	Env        []string // the environment of the go command; nil for the process's
	// CacheDir keeps what can be reused between builds: the harness
	// source, the rewritten files, the instrumented copies of modules from
	// the module cache, the overlays and module files (see cache.go). ""
	// uses the user cache directory's interleave.
	CacheDir string
}

// A Build is a prepared instrumented build. Its files live in the cache
// directory, at paths that depend only on what they hold, so that the go
// command's own cache recognizes a build it made before.
type Build struct {
	dir      string // the build's directory in the cache
	overlay  string
	modfile  string
	Packages []string          // import paths of the packages under test
	Dirs     map[string]string // the directory of each package under test
	Warnings []string
	Files    int      // files rewritten, now or by an earlier build
	Cached   int      // of which the cache held the rewritten text
	Checked  []string // the packages type-checked to rewrite their files, by ID
}

// Flags returns the go command flags that build with the instrumentation.
func (b *Build) Flags() []string {
	flags := []string{"-overlay=" + b.overlay}
	if b.modfile != "" {
		flags = append(flags, "-modfile="+b.modfile, "-mod=mod")
	}
	return flags
}

// Close releases the build. Its files stay in the cache, for the next
// build of the same packages; the cache removes what no build used for
// five days.
func (b *Build) Close() error { return nil }

// Env returns the environment the go command must run in for the build.
func Env(base []string) []string {
	if base == nil {
		base = os.Environ()
	}
	return append(base[:len(base):len(base)], "GOWORK=off", "GOFLAGS=")
}

// metaMode loads what decides which files to rewrite, and whether the
// cache holds them: no syntax, no types.
const metaMode = packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps |
	packages.NeedModule | packages.NeedEmbedFiles

// typedMode loads the packages whose files must be rewritten: their own
// syntax and types, their dependencies' types from export data.
const typedMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
	packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule

// Prepare loads, rewrites and prepares a build of cfg's packages and their
// tests. Errors in the packages (they do not build) are returned as they
// are, with positions in the user's files.
//
// A file is rewritten again only when one of its inputs changed: its
// contents and those of its package, the packages it depends on (outside
// the standard library; in the module cache, their versions), the Go
// toolchain, the build flags and the build of this program. Otherwise its
// text comes from the cache and its package is not type-checked.
func Prepare(cfg Config) (*Build, error) {
	if len(cfg.Patterns) == 0 {
		cfg.Patterns = []string{"."}
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	cdir, err := cacheDir(cfg.CacheDir)
	if err != nil {
		return nil, err
	}
	env := Env(cfg.Env)
	genv, err := readGoEnv(dir, env)
	if err != nil {
		return nil, err
	}
	tool, err := toolID()
	if err != nil {
		return nil, fmt.Errorf("identifying the interleave binary: %v", err)
	}
	pkgs, err := packages.Load(&packages.Config{
		Mode:       metaMode,
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
	b := &Build{}
	c := &cache{dir: cdir, now: time.Now()}
	p := &planner{b: b, cache: c, env: genv, overlay: make(map[string]string), done: make(map[string]bool),
		copies: make(map[string]*moduleCopy), targets: make(map[string]bool),
		fps: make(map[*packages.Package]string), hashes: make(map[string]string),
		global: hashOf(cacheVersion, tool, genv.GOVERSION, genv.GOROOT, genv.GOOS, genv.GOARCH,
			genv.GOEXPERIMENT, genv.CGO_ENABLED, strings.Join(cfg.BuildFlags, "\x00"))}
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
			err = p.plan(pkg)
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
			cp.addPackage(pkg)
		}
	})
	if err != nil {
		return nil, err
	}
	if main == nil {
		return nil, errors.New("the packages are not in a module: interleave needs a go.mod")
	}
	if err := p.rewrite(cfg, dir, env); err != nil {
		return nil, err
	}
	if err := p.finishCopies(); err != nil {
		return nil, err
	}
	mod, sum, err := p.modFile(main)
	if err != nil {
		return nil, err
	}
	overlay, err := json.Marshal(struct{ Replace map[string]string }{p.overlay})
	if err != nil {
		return nil, err
	}
	// The overlay and the module file sit in a directory named by what
	// they hold: the same build gets the same paths.
	b.dir = filepath.Join(c.dir, "builds", hashOf(string(overlay), string(mod), string(sum))[:20])
	b.overlay = filepath.Join(b.dir, "overlay.json")
	b.modfile = filepath.Join(b.dir, "x.mod")
	if err := writeStable(filepath.Join(b.dir, "x.sum"), sum); err != nil {
		return nil, err
	}
	if err := writeStable(b.modfile, mod); err != nil {
		return nil, err
	}
	if err := writeStable(b.overlay, overlay); err != nil {
		return nil, err
	}
	c.touch(b.dir)
	c.trim()
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
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return dir, os.MkdirAll(dir, 0o755)
}

// planner decides, package by package, where the rewritten files go.
type planner struct {
	b       *Build
	cache   *cache
	env     *goEnv
	global  string                 // the inputs every file shares: toolchain, flags, this program
	overlay map[string]string      // original file -> rewritten file
	done    map[string]bool        // files already planned
	copies  map[string]*moduleCopy // module path -> its instrumented copy
	targets map[string]bool        // import paths of the packages under test
	jobs    []*fileJob             // the files to rewrite, in order
	fps     map[*packages.Package]string
	hashes  map[string]string // file -> the hash of its contents that its key holds
}

// A fileJob is one file to rewrite.
type fileJob struct {
	pkg  *packages.Package // the package (variant) it is rewritten as part of
	name string
	key  string // hashes everything the rewritten text depends on
	opts fileOptions
	cp   *moduleCopy // the copy it goes into, or nil for the overlay
	path string      // its cache entry
	text []byte
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

// plan lists the files of one package to rewrite, each with its key.
func (p *planner) plan(pkg *packages.Package) error {
	if skip(pkg) {
		return nil
	}
	target := p.targets[strings.TrimSuffix(pkg.PkgPath, "_test")]
	mod := pkg.Module
	if mod.Replace != nil {
		mod = mod.Replace
	}
	var cp *moduleCopy
	if p.env.inModCache(mod.Dir) {
		cp = p.copyOf(mod)
		cp.addPackage(pkg)
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
	fp, err := p.fingerprint(pkg)
	if err != nil {
		return err
	}
	for _, name := range pkg.GoFiles {
		if p.done[name] {
			continue
		}
		p.done[name] = true
		isTest := strings.HasSuffix(name, "_test.go")
		opts := fileOptions{path: name, wrap: target && isTest, lang: lang, mark: target && isTest}
		key := hashOf(p.global, "file", fp, name, fmt.Sprint(opts.wrap, opts.mark), opts.lang)
		p.jobs = append(p.jobs, &fileJob{pkg: pkg, name: name, key: key, opts: opts, cp: cp})
	}
	return nil
}

// fingerprint hashes what the types of a package depend on: its files and
// module, and the fingerprints of its imports. A package of the standard
// library is known by its path (the toolchain is in every key), a file in
// the module cache by its path (which holds the module's version: the
// files there do not change), any other file by its contents.
func (p *planner) fingerprint(pkg *packages.Package) (string, error) {
	if fp, ok := p.fps[pkg]; ok {
		return fp, nil
	}
	var parts []string
	if pkg.Module == nil && (len(pkg.GoFiles) == 0 || p.env.inGoroot(pkg.GoFiles[0])) {
		parts = append(parts, "std", pkg.ID)
	} else {
		parts = append(parts, "pkg", pkg.ID, pkg.PkgPath, pkg.Name)
		for m := pkg.Module; m != nil; m = m.Replace {
			parts = append(parts, "module", m.Path, m.Version, m.Dir, m.GoVersion, fmt.Sprint(m.Main))
		}
		for _, name := range pkg.GoFiles {
			if p.env.inModCache(name) {
				parts = append(parts, "file", name)
				continue
			}
			h, ok := p.hashes[name]
			if !ok {
				var err error
				if h, err = hashFile(name); err != nil {
					return "", err
				}
				p.hashes[name] = h
			}
			parts = append(parts, "file", name, h)
		}
		paths := make([]string, 0, len(pkg.Imports))
		for path := range pkg.Imports {
			paths = append(paths, path)
		}
		sort.Strings(paths)
		for _, path := range paths {
			fp, err := p.fingerprint(pkg.Imports[path])
			if err != nil {
				return "", err
			}
			parts = append(parts, "import", path, fp)
		}
	}
	fp := hashOf(parts...)
	p.fps[pkg] = fp
	return fp, nil
}

// rewrite takes the rewritten files from the cache, and rewrites the
// others: only their packages are type-checked, against the export data
// of their dependencies.
func (p *planner) rewrite(cfg Config, dir string, env []string) error {
	var misses []*fileJob
	for _, j := range p.jobs {
		if path, text, ok := p.cache.get(j.key, j.name); ok {
			j.path, j.text = path, text
			p.b.Cached++
			continue
		}
		misses = append(misses, j)
	}
	if len(misses) > 0 {
		if err := p.typecheck(cfg, dir, env, misses); err != nil {
			return err
		}
	}
	for _, j := range p.jobs {
		if string(j.text) == cgoMarker {
			// go/packages type-checked what cgo made of it.
			p.b.Warnings = append(p.b.Warnings, fmt.Sprintf("%s: uses cgo; its operations are not instrumented", j.name))
			continue
		}
		p.b.Files++
		if j.cp != nil {
			if err := j.cp.addFile(j.name, j.text); err != nil {
				return err
			}
			continue
		}
		p.overlay[j.name] = j.path
	}
	return nil
}

// typecheck loads the packages of the files the cache does not hold, with
// their types, and rewrites those files into the cache. The package under
// test and its test variants are loaded as go test builds them; any other
// package as itself (its variant recompiled for a test has the same
// files, which cannot see the test's additions).
func (p *planner) typecheck(cfg Config, dir string, env []string, misses []*fileJob) error {
	tests, plain := map[string]bool{}, map[string]bool{}
	want := make(map[*fileJob]string) // job -> the ID of the package that rewrites it
	for _, j := range misses {
		base := strings.TrimSuffix(j.pkg.PkgPath, "_test")
		if p.targets[base] && (j.pkg.ID == j.pkg.PkgPath || j.pkg.ID == j.pkg.PkgPath+" ["+base+".test]") {
			tests[base] = true
			want[j] = j.pkg.ID
		} else {
			plain[j.pkg.PkgPath] = true
			want[j] = j.pkg.PkgPath
		}
	}
	typed := make(map[string]*packages.Package)
	load := func(set map[string]bool, tests bool) error {
		if len(set) == 0 {
			return nil
		}
		var patterns []string
		for path := range set {
			if path == "command-line-arguments" {
				patterns = cfg.Patterns // files named on the command line
				break
			}
			patterns = append(patterns, path)
		}
		sort.Strings(patterns)
		pkgs, err := packages.Load(&packages.Config{
			Mode: typedMode, Dir: dir, Env: env, BuildFlags: cfg.BuildFlags, Tests: tests,
		}, patterns...)
		if err != nil {
			return fmt.Errorf("loading packages: %v", err)
		}
		if err := loadErrors(pkgs); err != nil {
			return err
		}
		for _, pkg := range pkgs {
			typed[pkg.ID] = pkg
		}
		return nil
	}
	if err := load(tests, true); err != nil {
		return err
	}
	if err := load(plain, false); err != nil {
		return err
	}
	files := make(map[*packages.Package]map[string]*ast.File)
	for _, j := range misses {
		pkg := typed[want[j]]
		if pkg == nil {
			return fmt.Errorf("%s: package %s was not type-checked", j.name, want[j])
		}
		byName, ok := files[pkg]
		if !ok {
			byName = make(map[string]*ast.File)
			for _, f := range pkg.Syntax {
				byName[pkg.Fset.File(f.Pos()).Name()] = f
			}
			files[pkg] = byName
			p.b.Checked = append(p.b.Checked, pkg.ID)
		}
		var text []byte
		if f, ok := byName[j.name]; !ok {
			text = []byte(cgoMarker)
		} else {
			src, err := os.ReadFile(j.name)
			if err != nil {
				return err
			}
			if h, ok := p.hashes[j.name]; ok && h != hashOf0(src) {
				return fmt.Errorf("%s: changed while being instrumented", j.name)
			}
			out, err := rewriteFile(pkg.Fset, f, src, pkg.TypesInfo, j.opts)
			if err != nil {
				return err
			}
			text = []byte(out)
		}
		path, err := p.cache.put(j.key, j.name, text)
		if err != nil {
			return err
		}
		j.path, j.text = path, text
	}
	sort.Strings(p.b.Checked)
	return nil
}

// hashOf0 is the hash hashFile gives a file's contents.
func hashOf0(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func hashOf(parts ...string) string {
	h := sha256.New()
	for _, s := range parts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
