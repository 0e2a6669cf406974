package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"golang.org/x/mod/modfile"

	"github.com/interleave-go/interleave/harness/report"
)

const corpusUsage = `usage: interleave corpus merge DIR...
       interleave corpus list [packages or dirs]

merge brings the corpora under each DIR (a module root, a package's
directory, a testdata/interleave directory, or a folder of artifacts holding
any of them) into the corpora of the matching packages of the module of the
current directory. Two findings are the same when interleave fuzz calls
them the same; of the same finding the one with the shortest trace is kept.
The fuzz workers' stats (runs, coverage) are merged beside them. It prints
one line for each finding that is new or replaced by a shorter one, and a
count; merging again changes nothing.

list prints the findings of the packages' corpora (default ./...), one a
line: test, kind, first line of the message, file.

A file that is not a finding is reported and skipped.
`

// Corpus runs interleave corpus.
func Corpus(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, corpusUsage)
		return 2
	}
	fs := flag.NewFlagSet("interleave corpus "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, corpusUsage) }
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch args[0] {
	case "merge":
		if fs.NArg() == 0 {
			fmt.Fprint(stderr, "interleave corpus merge: no directory to merge\n\n"+corpusUsage)
			return 2
		}
		return merge(fs.Args(), stdout, stderr)
	case "list":
		return list(fs.Args(), stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, corpusUsage)
		return 0
	}
	fmt.Fprintf(stderr, "interleave corpus: unknown command %q\n\n%s", args[0], corpusUsage)
	return 2
}

// findCorpora returns the corpora under dir: the testdata/interleave
// directories below it, or dir itself if it is one. A directory with none
// below it and no Go files of its own is taken for a corpus's contents
// (what an artifact upload leaves of one).
func findCorpora(dir string) ([]string, error) {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such directory", dir)
	}
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	if isCorpusDir(dir) {
		return []string{dir}, nil
	}
	var out []string
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir // .git and the like
		}
		if isCorpusDir(path) {
			out = append(out, path)
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.Name() == "go.mod" || strings.HasSuffix(e.Name(), ".go") {
				return nil, nil // Go code without a corpus
			}
		}
		return []string{dir}, nil
	}
	return out, nil
}

func isCorpusDir(path string) bool {
	return filepath.Base(path) == "interleave" && filepath.Base(filepath.Dir(path)) == "testdata"
}

// A corpusFile is a file of a corpus: a finding or a worker's stats.
type corpusFile struct {
	path    string
	data    []byte
	finding *report.Finding
	stats   *corpusStats
}

// readCorpus reads the findings and stats files of a corpus; files that
// are neither are reported to warn and skipped. Other hidden files
// (another writer's temporary file) are no part of it.
func readCorpus(dir string, warn func(error)) []corpusFile {
	var out []corpusFile
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			warn(err)
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") && !isStatsFile(name) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			warn(err)
			return nil
		}
		cf := corpusFile{path: path, data: data}
		if isStatsFile(name) {
			cf.stats, err = parseStats(data)
		} else {
			cf.finding, err = report.Parse(data)
		}
		if err != nil {
			warn(fmt.Errorf("%s: %v", path, err))
			return nil
		}
		out = append(out, cf)
		return nil
	})
	return out
}

// shorter reports whether finding a has a shorter trace than b; ties go
// to the smaller token, so that the choice does not hang on the order the
// corpora were read in.
func shorter(a, b *report.Finding) bool {
	if len(a.Steps) != len(b.Steps) {
		return len(a.Steps) < len(b.Steps)
	}
	return a.Token < b.Token
}

// module finds the module of dir: its root and its path.
func module(dir string) (root, path string, err error) {
	for r := dir; ; {
		data, err := os.ReadFile(filepath.Join(r, "go.mod"))
		if err == nil {
			mp := modfile.ModulePath(data)
			if mp == "" {
				return "", "", fmt.Errorf("%s: no module line", filepath.Join(r, "go.mod"))
			}
			return r, mp, nil
		}
		parent := filepath.Dir(r)
		if parent == r {
			return "", "", fmt.Errorf("%s is not in a module (no go.mod here or above)", dir)
		}
		r = parent
	}
}

// packageDir is the directory of package pkg in the module at root.
func packageDir(root, modPath, pkg string) (string, error) {
	rel, ok := strings.CutPrefix(pkg, modPath)
	if !ok || rel != "" && !strings.HasPrefix(rel, "/") {
		return "", fmt.Errorf("package %q is not in module %s", pkg, modPath)
	}
	dir := filepath.Join(root, filepath.FromSlash(rel))
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("package %q has no directory %s in this module", pkg, dir)
	}
	return dir, nil
}

// merge runs interleave corpus merge.
func merge(dirs []string, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintf(stderr, "interleave corpus merge: %v\n", err)
		return 2
	}
	cwd, err := os.Getwd()
	if err != nil {
		return fail(err)
	}
	root, modPath, err := module(cwd)
	if err != nil {
		return fail(err)
	}
	// Every directory is read before anything is written: a typo in
	// the last one leaves the corpus as it was.
	warn := func(err error) { fmt.Fprintf(stderr, "interleave corpus merge: skipping %v\n", rel(cwd, err)) }
	var src []corpusFile
	for _, d := range dirs {
		corpora, err := findCorpora(d)
		if err != nil {
			return fail(err)
		}
		if len(corpora) == 0 {
			fmt.Fprintf(stderr, "interleave corpus merge: %s: no corpus (testdata/interleave) under it\n", d)
		}
		for _, c := range corpora {
			src = append(src, readCorpus(c, warn)...)
		}
	}

	// The best of each finding among the sources, by package and key.
	type slot struct{ pkgDir, key string }
	best := map[slot]corpusFile{}
	stats := map[string]corpusFile{} // by destination path: the most runs of each worker
	for _, cf := range src {
		pkg := ""
		if cf.finding != nil {
			pkg = cf.finding.Package
		} else {
			pkg = cf.stats.Package
		}
		dir, err := packageDir(root, modPath, pkg)
		if err != nil {
			warn(fmt.Errorf("%s: %v", cf.path, err))
			continue
		}
		if cf.stats != nil {
			to := filepath.Join(dir, "testdata", "interleave", statsName(cf.stats.Seed, cf.stats.Shard))
			if old, ok := stats[to]; !ok || cf.stats.Runs > old.stats.Runs {
				stats[to] = cf
			}
			continue
		}
		s := slot{dir, cf.finding.Key()}
		if old, ok := best[s]; !ok || shorter(cf.finding, old.finding) {
			best[s] = cf
		}
	}

	// What the destination corpora hold, by the same key.
	type held struct {
		path    string
		finding *report.Finding
	}
	dest := map[slot]held{}
	read := map[string]bool{}
	for s := range best {
		if read[s.pkgDir] {
			continue
		}
		read[s.pkgDir] = true
		report.WalkCorpus(s.pkgDir, func(path string, f *report.Finding, err error) {
			if err == nil {
				dest[slot{s.pkgDir, f.Key()}] = held{path, f}
			}
		})
	}

	slots := make([]slot, 0, len(best))
	for s := range best {
		slots = append(slots, s)
	}
	sort.Slice(slots, func(i, j int) bool { return best[slots[i]].path < best[slots[j]].path })
	added, replaced := 0, 0
	for _, s := range slots {
		cf := best[s]
		f := cf.finding
		to, what := filepath.Join(s.pkgDir, report.CorpusDir(f.Test), f.ID()), "new"
		if h, ok := dest[s]; ok {
			if len(f.Steps) >= len(h.finding.Steps) {
				continue // the corpus has it, with a trace as short
			}
			to, what = h.path, fmt.Sprintf("shorter (%d steps, was %d)", len(f.Steps), len(h.finding.Steps))
		}
		if err := writeFileAtomic(to, cf.data); err != nil {
			return fail(err)
		}
		if what == "new" {
			added++
		} else {
			replaced++
		}
		fmt.Fprintf(stdout, "%s: %s: %s: %s\n    %s\n", what, f.Test, f.Kind, firstLine(f.Message), relPath(cwd, to))
	}

	paths := make([]string, 0, len(stats))
	for to := range stats {
		paths = append(paths, to)
	}
	sort.Strings(paths)
	files := 0
	for _, to := range paths {
		cf := stats[to]
		if old, err := readStatsFile(to); err == nil && old.Runs >= cf.stats.Runs {
			continue
		}
		if err := writeFileAtomic(to, cf.data); err != nil {
			return fail(err)
		}
		files++
	}

	if added+replaced+files == 0 {
		fmt.Fprintln(stdout, "interleave corpus merge: nothing new")
		return 0
	}
	fmt.Fprintf(stdout, "interleave corpus merge: %d new findings, %d replaced by a shorter trace, %d new or grown stats files\n", added, replaced, files)
	if files > 0 {
		fmt.Fprintf(stdout, "interleave corpus merge: stats: %s\n", statsTotal(dirsOf(paths)))
	}
	return 0
}

// list runs interleave corpus list.
func list(args []string, stdout, stderr io.Writer) int {
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "interleave corpus list: %v\n", err)
		return 2
	}
	if len(args) == 0 {
		args = []string{"./..."}
	}
	var corpora []string
	for _, a := range args {
		base, all := strings.CutSuffix(a, "/...")
		if base == "." && a == "..." {
			all = true
		}
		st, err := os.Stat(base)
		if err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "interleave corpus list: %s: not a directory (give package directories, dir/..., or corpora)\n", a)
			return 2
		}
		own := filepath.Join(base, "testdata", "interleave")
		if st, err := os.Stat(own); !all && err == nil && st.IsDir() {
			corpora = append(corpora, own) // the package's own, not its subpackages'
			continue
		}
		found, err := findCorpora(base)
		if err != nil {
			fmt.Fprintf(stderr, "interleave corpus list: %v\n", err)
			return 2
		}
		corpora = append(corpora, found...)
	}
	warn := func(err error) { fmt.Fprintf(stderr, "interleave corpus list: skipping %v\n", rel(cwd, err)) }
	var files []corpusFile
	seen := map[string]bool{}
	for _, c := range corpora {
		abs, _ := filepath.Abs(c)
		if seen[abs] {
			continue
		}
		seen[abs] = true
		files = append(files, readCorpus(c, warn)...)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	n := 0
	var dirs []string
	for _, cf := range files {
		if cf.stats != nil {
			dirs = append(dirs, cf.path)
			continue
		}
		f := cf.finding
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Test, f.Kind, firstLine(f.Message), relPath(cwd, cf.path))
		n++
	}
	tw.Flush()
	fmt.Fprintf(stderr, "interleave corpus list: %d findings; %s\n", n, statsTotal(dirsOf(dirs)))
	return 0
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// relPath is path relative to cwd when it is below it.
func relPath(cwd, path string) string {
	if r, err := filepath.Rel(cwd, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

// rel shortens the absolute paths of cwd in an error's text.
func rel(cwd string, err error) error {
	return errors.New(strings.ReplaceAll(err.Error(), cwd+string(filepath.Separator), ""))
}
