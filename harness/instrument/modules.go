package instrument

import (
	"bytes"
	"fmt"
	"go/version"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
	"golang.org/x/tools/go/packages"

	"github.com/interleave-go/interleave"
)

// The go command does not overlay files in the module cache, so a module
// from there is instrumented as a copy of the packages the build needs,
// and the build's module file replaces the module with the copy.

type moduleCopy struct {
	mod    *packages.Module
	dir    string // where the copy is, once finishCopies made it
	pkgs   []string
	dirs   map[string]bool   // the packages' directories
	embeds map[string]bool   // their embedded files
	files  map[string][]byte // path in the module -> instrumented text
}

func (p *planner) copyOf(mod *packages.Module) *moduleCopy {
	if cp, ok := p.copies[mod.Path]; ok {
		return cp
	}
	cp := &moduleCopy{mod: mod, dirs: make(map[string]bool), embeds: make(map[string]bool), files: make(map[string][]byte)}
	p.copies[mod.Path] = cp
	return cp
}

// addPackage adds a package's directory (its files, not its
// subdirectories) and its embedded files to the copy.
func (cp *moduleCopy) addPackage(pkg *packages.Package) {
	if len(pkg.GoFiles) == 0 {
		return
	}
	cp.dirs[filepath.Dir(pkg.GoFiles[0])] = true
	for _, f := range pkg.EmbedFiles {
		cp.embeds[f] = true
	}
	cp.pkgs = append(cp.pkgs, pkg.PkgPath)
}

// has reports whether the copy holds a package already.
func (cp *moduleCopy) has(path string) bool {
	for _, p := range cp.pkgs {
		if p == path {
			return true
		}
	}
	return false
}

// addFile adds the instrumented text of a file of the module.
func (cp *moduleCopy) addFile(orig string, text []byte) error {
	rel, err := filepath.Rel(cp.mod.Dir, orig)
	if err != nil {
		return err
	}
	cp.files[rel] = text
	return nil
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// finishCopies makes each copy in the cache, or finds it there: a
// directory named by the module, its version and a hash of what the copy
// holds, so that the replace line, and the go command's cache keys of the
// copy's packages, stay the same from one build to the next.
func (p *planner) finishCopies() error {
	paths := make([]string, 0, len(p.copies))
	for path := range p.copies {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		cp := p.copies[path]
		gomod, err := cp.goMod()
		if err != nil {
			return err
		}
		parts := []string{p.global, "module", cp.mod.Path, cp.mod.Version, cp.mod.Dir, string(gomod)}
		for _, set := range []map[string]bool{cp.dirs, cp.embeds} {
			for _, f := range sortedKeys(set) {
				rel, err := filepath.Rel(cp.mod.Dir, f)
				if err != nil {
					return err
				}
				parts = append(parts, rel)
			}
			parts = append(parts, "")
		}
		rels := make([]string, 0, len(cp.files))
		for rel := range cp.files {
			rels = append(rels, rel)
		}
		sort.Strings(rels)
		for _, rel := range rels {
			parts = append(parts, rel, hashOf0(cp.files[rel]))
		}
		name := strings.ReplaceAll(cp.mod.Path, "/", "_") + "@" + cp.mod.Version + "-" + hashOf(parts...)[:16]
		cp.dir = filepath.Join(p.cache.dir, "modules", name)
		whole := func(dir string) bool {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
				return false
			}
			for rel, text := range cp.files {
				if data, err := os.ReadFile(filepath.Join(dir, rel)); err != nil || !bytes.Equal(data, text) {
					return false
				}
			}
			return true
		}
		if err := ensureDir(p.cache, cp.dir, whole, func(tmp string) error { return cp.fill(tmp, gomod) }); err != nil {
			return err
		}
	}
	return nil
}

// fill writes the copy into dir: the packages' directories, their
// embedded files, the instrumented files and the go.mod.
func (cp *moduleCopy) fill(dir string, gomod []byte) error {
	for _, src := range sortedKeys(cp.dirs) {
		rel, err := filepath.Rel(cp.mod.Dir, src)
		if err != nil {
			return err
		}
		entries, err := os.ReadDir(src)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, rel), 0o755); err != nil {
			return err
		}
		for _, e := range entries {
			if e.Type().IsRegular() {
				if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dir, rel, e.Name())); err != nil {
					return err
				}
			}
		}
	}
	for _, f := range sortedKeys(cp.embeds) {
		rel, err := filepath.Rel(cp.mod.Dir, f)
		if err != nil {
			return err
		}
		if err := copyFile(f, filepath.Join(dir, rel)); err != nil {
			return err
		}
	}
	for rel, text := range cp.files {
		if err := os.WriteFile(filepath.Join(dir, rel), text, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "go.mod"), gomod, 0o644)
}

// goMod returns the go.mod of the copy: the module's, with the go line
// raised to the harness's. The rewritten files need the harness's
// language version; each keeps its own with a //go:build line (see
// plan).
func (cp *moduleCopy) goMod() ([]byte, error) {
	gomod := cp.mod.GoMod
	if gomod == "" {
		gomod = filepath.Join(cp.mod.Dir, "go.mod")
	}
	data, err := os.ReadFile(gomod)
	if os.IsNotExist(err) {
		data = []byte("module " + cp.mod.Path + "\n")
	} else if err != nil {
		return nil, err
	}
	f, err := modfile.Parse(gomod, data, nil)
	if err != nil {
		return nil, err
	}
	if f.Go == nil || versionLess(f.Go.Version, harnessGoVersion()) {
		if err := f.AddGoStmt(harnessGoVersion()); err != nil {
			return nil, err
		}
		if data, err = f.Format(); err != nil {
			return nil, err
		}
	}
	return data, nil
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// modFile returns the module file of the build and its go.sum: the main
// module's, with the harness and the instrumented copies replaced in,
// relative paths made absolute, and the go line raised to what the
// harness needs.
func (p *planner) modFile(main *packages.Module) (mod, sum []byte, err error) {
	data, err := os.ReadFile(main.GoMod)
	if err != nil {
		return nil, nil, err
	}
	f, err := modfile.Parse(main.GoMod, data, nil)
	if err != nil {
		return nil, nil, err
	}
	root := filepath.Dir(main.GoMod)
	for _, r := range f.Replace {
		if r.New.Version == "" && !filepath.IsAbs(r.New.Path) {
			abs := filepath.Join(root, r.New.Path)
			if err := f.AddReplace(r.Old.Path, r.Old.Version, abs, ""); err != nil {
				return nil, nil, err
			}
		}
	}
	if main.Path != interleaveModule && !replacedLocally(f, root) {
		hdir, err := p.harnessDir()
		if err != nil {
			return nil, nil, err
		}
		if err := f.AddRequire(interleaveModule, "v0.0.0-00010101000000-000000000000"); err != nil {
			return nil, nil, err
		}
		for path, v := range interleave.HarnessRequires {
			if !requires(f, path, v) {
				if err := f.AddRequire(path, v); err != nil {
					return nil, nil, err
				}
			}
		}
		f.DropReplace(interleaveModule, "")
		if err := f.AddReplace(interleaveModule, "", hdir, ""); err != nil {
			return nil, nil, err
		}
	}
	paths := make([]string, 0, len(p.copies))
	for path := range p.copies {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		cp := p.copies[path]
		for _, r := range f.Replace {
			if r.Old.Path == path {
				f.DropReplace(path, r.Old.Version)
			}
		}
		if err := f.AddReplace(path, "", cp.dir, ""); err != nil {
			return nil, nil, err
		}
	}
	if f.Go == nil || versionLess(f.Go.Version, harnessGoVersion()) {
		if err := f.AddGoStmt(harnessGoVersion()); err != nil {
			return nil, nil, err
		}
	}
	f.Cleanup()
	if mod, err = f.Format(); err != nil {
		return nil, nil, err
	}
	sum, err = os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, err
	}
	return mod, withHarnessSums(sum), nil
}

// requires reports whether f requires path at v or later.
func requires(f *modfile.File, path, v string) bool {
	for _, r := range f.Require {
		if r.Mod.Path == path && semver.Compare(r.Mod.Version, v) >= 0 {
			return true
		}
	}
	return false
}

// withHarnessSums adds to a go.sum the checksums of the modules the
// harness requires.
func withHarnessSums(sum []byte) []byte {
	have := map[string]bool{}
	for _, l := range strings.Split(string(sum), "\n") {
		have[l] = true
	}
	out := sum
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	for _, l := range strings.Split(string(interleave.HarnessSums), "\n") {
		path, _, _ := strings.Cut(l, " ")
		if _, ok := interleave.HarnessRequires[path]; ok && !have[l] {
			out = append(out, l+"\n"...)
		}
	}
	return out
}

const interleaveModule = "github.com/interleave-go/interleave"

// replacedLocally reports whether the main module builds against a local
// copy of the interleave module (a replace to a directory holding the
// harness), as the examples and a checkout of the tool do. That copy is
// used as it is: it holds every package of the module, and the user chose
// it.
func replacedLocally(f *modfile.File, root string) bool {
	for _, r := range f.Replace {
		if r.Old.Path != interleaveModule || r.New.Version != "" {
			continue
		}
		dir := r.New.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		if _, err := os.Stat(filepath.Join(dir, "harness", "rt")); err == nil {
			return true
		}
	}
	return false
}

func harnessGoVersion() string { return interleave.HarnessGoVersion }

// harnessDir writes the harness source the tool carries into the cache,
// once per version of it, and returns the directory of that module.
func (p *planner) harnessDir() (string, error) {
	files := make(map[string][]byte)
	var all strings.Builder
	err := fs.WalkDir(interleave.HarnessSource, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
			return err
		}
		data, err := fs.ReadFile(interleave.HarnessSource, path)
		if err != nil {
			return err
		}
		files[filepath.FromSlash(path)] = data
		all.WriteString(path + "\x00" + string(data) + "\x00")
		return nil
	})
	if err != nil {
		return "", err
	}
	gomod := fmt.Sprintf("module %s\n\ngo %s\n", interleaveModule, harnessGoVersion())
	paths := make([]string, 0, len(interleave.HarnessRequires))
	for path := range interleave.HarnessRequires {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		gomod += fmt.Sprintf("\nrequire %s %s\n", path, interleave.HarnessRequires[path])
	}
	files["go.mod"] = []byte(gomod)
	dir := filepath.Join(p.cache.dir, "harness-"+hashOf(all.String())[:16])
	whole := func(dir string) bool {
		for path, data := range files {
			if got, err := os.ReadFile(filepath.Join(dir, path)); err != nil || !bytes.Equal(got, data) {
				return false
			}
		}
		return true
	}
	fill := func(tmp string) error {
		for path, data := range files {
			dst := filepath.Join(tmp, path)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(dst, data, 0o644); err != nil {
				return err
			}
		}
		return nil
	}
	return dir, ensureDir(p.cache, dir, whole, fill)
}

// versionLess compares Go versions as go.mod writes them ("1.20",
// "1.21.3").
func versionLess(a, b string) bool {
	return version.Compare("go"+a, "go"+b) < 0
}

// langVersion returns the language version of a go line: "1.21.3" is
// "1.21".
func langVersion(v string) string { return strings.TrimPrefix(version.Lang("go"+v), "go") }
