package cli

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/interleave-go/interleave/harness/instrument"
	"github.com/interleave-go/interleave/harness/report"
)

// fuzzStrategies are the strategies interleave fuzz rotates through.
var fuzzStrategies = []string{"random", "pct:3", "pos", "pct:5", "pct:2", "portfolio", "rff"}

type fuzzFlags struct {
	duration time.Duration
	parallel int
	chunk    time.Duration
	run      string
	resume   bool
	race     bool
	seed     uint64
	progress time.Duration
	shard    string
	verbose  bool
}

// fuzzState is what -resume carries on from; it is rewritten after every
// exploration, atomically, so a kill loses at most the one under way.
type fuzzState struct {
	Seed    uint64        `json:"seed"`
	Shard   string        `json:"shard,omitempty"`
	Next    uint64        `json:"next"` // the number of the next exploration, this shard's or not
	Elapsed time.Duration `json:"elapsed"`
	Runs    int64         `json:"runs"`
	Pairs   []string      `json:"pairs"`
}

// Fuzz runs interleave fuzz.
func Fuzz(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("interleave fuzz", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: interleave fuzz [flags] [packages] [-- go test flags]\n\n"+
			"Explores the packages' tests for a duration or until stopped, rotating\n"+
			"strategies and seeds, and writes each distinct finding, minimized, to the\n"+
			"package's corpus, testdata/interleave/<Test>/<id>, which interleave test\n"+
			"and go test replay before exploring, and its runs and coverage beside it\n"+
			"(testdata/interleave/.stats-*.json).\n\n"+
			"With -shard i/n and one -seed for all, n workers split one fuzz: worker i\n"+
			"runs its share of the (test, strategy, seed) explorations, none another's,\n"+
			"so n workers for a duration cover what one would in n times as long.\n"+
			"interleave corpus merge brings their corpora together.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	var f fuzzFlags
	fs.DurationVar(&f.duration, "duration", 0, "how long to fuzz (0: until interrupted)")
	fs.IntVar(&f.parallel, "parallel", runtime.NumCPU(), "explorations at once")
	fs.DurationVar(&f.chunk, "chunk", 10*time.Second, "time of one exploration of one test, with one strategy and seed")
	fs.StringVar(&f.run, "run", "", "fuzz only the tests matching `regexp`")
	fs.BoolVar(&f.resume, "resume", false, "carry on from where the last interrupted fuzz of these packages stopped")
	fs.BoolVar(&f.race, "race", false, "build with the race detector")
	fs.Uint64Var(&f.seed, "seed", 0, "seed of the strategies' seeds (default: from the clock)")
	fs.DurationVar(&f.progress, "progress", 10*time.Second, "interval of the progress lines when not on a terminal")
	fs.StringVar(&f.shard, "shard", "", "explore only share `i/n` of the explorations (0 <= i < n; needs -seed, the same for all shards)")
	fs.BoolVar(&f.verbose, "v", false, "print each exploration as it starts: its number, test, strategy and seed")
	pkgArgs, goArgs := splitArgs(args)
	if err := fs.Parse(pkgArgs); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if f.duration < 0 || f.parallel < 1 || f.chunk <= 0 {
		fmt.Fprintln(stderr, "interleave fuzz: -duration must not be negative, -parallel and -chunk must be positive")
		return 2
	}
	var plan fuzzPlan
	if f.shard != "" {
		i, n, err := parseShard(f.shard)
		if err != nil {
			fmt.Fprintf(stderr, "interleave fuzz: -shard: %v\n", err)
			return 2
		}
		seeded := false
		fs.Visit(func(fl *flag.Flag) { seeded = seeded || fl.Name == "seed" })
		if !seeded || f.seed == 0 {
			// Seeds from the clock would make each worker's share its
			// own, not a part of one fuzz.
			fmt.Fprintln(stderr, "interleave fuzz: -shard needs -seed, not 0 and the same for every shard (the CI run's number, say)")
			return 2
		}
		plan.shard, plan.shards = i, n
	}
	var runRE *regexp.Regexp
	if f.run != "" {
		re, err := regexp.Compile(f.run)
		if err != nil {
			fmt.Fprintf(stderr, "interleave fuzz: -run: %v\n", err)
			return 2
		}
		runRE = re
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "interleave fuzz: %v\n", err)
		return 2
	}
	dir, patterns, err := moduleOf(cwd, fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "interleave fuzz: %v\n", err)
		return 2
	}
	fz := &fuzzer{f: f, plan: plan, stdout: stdout, stderr: stderr, cwd: cwd, dir: dir, goArgs: goArgs, known: map[string]bool{}, pairs: map[string]bool{}, pkgs: map[string]*corpusStats{}}
	return fz.main(patterns, runRE)
}

type fuzzer struct {
	f              fuzzFlags
	plan           fuzzPlan
	stdout, stderr io.Writer
	cwd, dir       string
	goArgs         []string
	tmp            string
	statePath      string

	targets []fuzzTarget

	mu       sync.Mutex
	state    fuzzState
	known    map[string]bool // corpus files already read
	found    []*report.Finding
	newFound int
	pairs    map[string]bool
	runs     int64
	pkgs     map[string]*corpusStats // by package directory: what its corpus's stats file says
}

// A fuzzTarget is one test of one package's test binary.
type fuzzTarget struct {
	pkg, dir, bin, test string
}

func (fz *fuzzer) main(patterns []string, runRE *regexp.Regexp) int {
	var err error
	fz.tmp, err = os.MkdirTemp("", "interleave-fuzz-")
	if err != nil {
		fmt.Fprintf(fz.stderr, "interleave fuzz: %v\n", err)
		return 2
	}
	defer os.RemoveAll(fz.tmp)
	if code := fz.build(patterns, runRE); code != 0 {
		return code
	}
	if len(fz.targets) == 0 {
		fmt.Fprintln(fz.stderr, "interleave fuzz: no tests to fuzz")
		return 2
	}
	fz.plan.targets, fz.plan.strategies = len(fz.targets), len(fuzzStrategies)
	fz.statePath = fz.stateFile(patterns)
	fz.state = fuzzState{Seed: fz.f.seed, Shard: fz.f.shard}
	if fz.f.resume {
		if data, err := os.ReadFile(fz.statePath); err == nil {
			if err := json.Unmarshal(data, &fz.state); err != nil {
				fmt.Fprintf(fz.stderr, "interleave fuzz: -resume: %s: %v; starting afresh\n", fz.statePath, err)
				fz.state = fuzzState{Seed: fz.f.seed, Shard: fz.f.shard}
			} else {
				fmt.Fprintf(fz.stderr, "interleave fuzz: resuming after %s, %d runs\n", fz.state.Elapsed.Round(time.Second), fz.state.Runs)
			}
		} else {
			fmt.Fprintf(fz.stderr, "interleave fuzz: -resume: nothing to resume (%v); starting afresh\n", err)
		}
	}
	if fz.state.Seed == 0 {
		fz.state.Seed = uint64(time.Now().UnixNano())
	}
	for _, p := range fz.state.Pairs {
		fz.pairs[p] = true
	}
	fz.runs = fz.state.Runs
	fz.loadStats()
	fz.scanCorpora(false) // what is there already is not new

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	left := time.Duration(0)
	if fz.f.duration > 0 {
		left = fz.f.duration - fz.state.Elapsed
		if left <= 0 {
			fmt.Fprintln(fz.stderr, "interleave fuzz: the duration is already spent")
			return fz.summary(0)
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, left)
		defer cancel()
	}
	start := time.Now()
	done := make(chan struct{})
	go fz.showProgress(ctx, start, left, done)

	var wg sync.WaitGroup
	for range fz.f.parallel {
		wg.Go(func() {
			for ctx.Err() == nil {
				fz.mu.Lock()
				n := fz.plan.next(fz.state.Next)
				fz.state.Next = n + 1
				fz.mu.Unlock()
				fz.explore(ctx, n)
				fz.saveState(start)
			}
		})
	}
	wg.Wait()
	close(done)
	fz.scanCorpora(true)
	fz.saveState(start)
	return fz.summary(time.Since(start))
}

// build instruments the packages and compiles one test binary each.
func (fz *fuzzer) build(patterns []string, runRE *regexp.Regexp) int {
	var buildFlags []string
	if fz.f.race {
		buildFlags = append(buildFlags, "-race")
	}
	b, err := instrument.Prepare(instrument.Config{Dir: fz.dir, Patterns: patterns, BuildFlags: append(buildFlags, tagsOf(fz.goArgs)...), CacheDir: os.Getenv(cacheEnv)})
	if err != nil {
		fmt.Fprintf(fz.stderr, "interleave fuzz: %v\n", err)
		return 2
	}
	defer b.Close()
	for i, pkg := range b.Packages {
		bin := filepath.Join(fz.tmp, fmt.Sprintf("pkg%d.test", i))
		args := append([]string{"test", "-c", "-o", bin}, b.Flags()...)
		args = append(append(args, buildFlags...), pkg)
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = fz.dir, instrument.Env(nil)
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(fz.stderr, "interleave fuzz: building the tests of %s: %v\n%s", pkg, err, out)
			return 2
		}
		if _, err := os.Stat(bin); err != nil {
			continue // no test files
		}
		list := exec.Command(bin, "-test.list", ".")
		list.Dir = b.Dirs[pkg]
		out, err := list.Output()
		if err != nil {
			fmt.Fprintf(fz.stderr, "interleave fuzz: listing the tests of %s: %v\n", pkg, err)
			return 2
		}
		for _, name := range strings.Fields(string(out)) {
			if strings.HasPrefix(name, "Test") && (runRE == nil || runRE.MatchString(name)) {
				fz.targets = append(fz.targets, fuzzTarget{pkg: pkg, dir: b.Dirs[pkg], bin: bin, test: name})
			}
		}
	}
	return 0
}

// explore runs exploration number n: the test, strategy and seed it picks.
func (fz *fuzzer) explore(ctx context.Context, n uint64) {
	ti, si := fz.plan.pick(n)
	t, strat := fz.targets[ti], fuzzStrategies[si]
	seed := seedOf(fz.state.Seed, n)
	if fz.f.verbose {
		fmt.Fprintf(fz.stderr, "interleave fuzz: exploration %d: %s %s, strategy %s, seed %d\n", n, t.pkg, t.test, strat, seed)
	}
	stats := filepath.Join(fz.tmp, fmt.Sprintf("stats-%d", n))
	defer os.Remove(stats)
	args := []string{
		"-test.run", "^" + regexp.QuoteMeta(t.test) + "$",
		"-test.timeout", (fz.f.chunk*3 + time.Minute).String(),
		"-interleave.strategy=" + strat,
		"-interleave.seed=" + strconv.FormatUint(seed, 10),
		"-interleave.runs=1000000000",
		"-interleave.time=" + fz.f.chunk.String(),
		"-interleave.stats=" + stats,
		"-interleave.save",
		"-interleave.corpus=false",
		"-interleave.command=interleave test",
		"-interleave.cwd=" + fz.cwd,
	}
	if a := replayArgs(fz.goArgs); a != "" {
		args = append(args, "-interleave.args="+a)
	}
	if !hasTestFlag(fz.goArgs, "short") {
		args = append(args, "-test.short")
	}
	args = append(args, fz.goArgs...)
	cmd := exec.CommandContext(ctx, t.bin, args...)
	cmd.Dir = t.dir
	cmd.Env = instrument.Env(nil)
	if fz.f.race {
		cmd.Env = append(cmd.Env, "GORACE="+goRace(os.Getenv("GORACE"), filepath.Join(fz.tmp, fmt.Sprintf("race-%d", n))))
	}
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	cmd.WaitDelay = 5 * time.Second
	_ = cmd.Run() // a failing test is a finding, already saved; a killed one, the end
	fz.readStats(stats, t)
	fz.scanCorpora(true)
	fz.writeStats(t.dir)
}

// readStats adds an exploration's runs and coverage to the totals and to
// its package's. The file is read before the lock is taken: the other
// explorations' goroutines wait for the lock, not for the disk.
func (fz *fuzzer) readStats(path string, t fuzzTarget) {
	var runs int64
	var found []string
	ok := false
	if f, err := os.Open(path); err == nil {
		ok = true
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if n, ok := strings.CutPrefix(line, "runs "); ok {
				if v, err := strconv.ParseInt(n, 10, 64); err == nil {
					runs += v
				}
			} else if p, ok := strings.CutPrefix(line, "pair "); ok {
				found = append(found, p)
			}
		}
		f.Close()
	}
	fz.mu.Lock()
	defer fz.mu.Unlock()
	ps := fz.pkgStats(t)
	ps.Explorations++
	if !ok {
		return
	}
	fz.runs += runs
	ps.Runs += runs
	pairs := map[string]bool{}
	for _, p := range ps.Pairs {
		pairs[p] = true
	}
	for _, p := range found {
		fz.pairs[p] = true
		pairs[p] = true
	}
	ps.Pairs = sortedKeys(pairs)
}

// pkgStats returns the stats of t's package, made on first use; fz.mu is
// held.
func (fz *fuzzer) pkgStats(t fuzzTarget) *corpusStats {
	ps := fz.pkgs[t.dir]
	if ps == nil {
		ps = &corpusStats{Version: statsVersion, Package: t.pkg, Seed: fz.state.Seed, Shard: fz.f.shard, Pairs: []string{}}
		fz.pkgs[t.dir] = ps
	}
	return ps
}

// statsPath is where this fuzz keeps the stats of the package in dir:
// a file of its own, named by its seed and shard, which no other worker
// writes.
func (fz *fuzzer) statsPath(dir string) string {
	return filepath.Join(dir, "testdata", "interleave", statsName(fz.state.Seed, fz.f.shard))
}

// loadStats picks up, on -resume, the stats this fuzz wrote before.
func (fz *fuzzer) loadStats() {
	if !fz.f.resume {
		return
	}
	for _, t := range fz.targets {
		if fz.pkgs[t.dir] != nil {
			continue
		}
		st, err := readStatsFile(fz.statsPath(t.dir))
		if err == nil && st.Package == t.pkg {
			fz.pkgs[t.dir] = st
		}
	}
}

// writeStats writes the stats of the package in dir into its corpus.
func (fz *fuzzer) writeStats(dir string) {
	fz.mu.Lock()
	ps := fz.pkgs[dir]
	var data []byte
	if ps != nil {
		data, _ = ps.marshal()
	}
	fz.mu.Unlock()
	if data == nil {
		return
	}
	if err := writeFileAtomic(fz.statsPath(dir), data); err != nil {
		fmt.Fprintf(fz.stderr, "interleave fuzz: writing the stats: %v\n", err)
	}
}

// scanCorpora looks for findings in the targets' corpora; those not seen
// before are announced when announce is set.
func (fz *fuzzer) scanCorpora(announce bool) {
	dirs := map[string]bool{}
	for _, t := range fz.targets {
		dirs[t.dir] = true
	}
	for d := range dirs {
		report.WalkCorpus(d, func(path string, fd *report.Finding, err error) {
			fz.mu.Lock()
			seen := fz.known[path]
			fz.known[path] = true
			fz.mu.Unlock()
			if seen {
				return
			}
			if err != nil {
				fmt.Fprintf(fz.stderr, "interleave fuzz: skipping a corpus file: %v\n", err)
				return
			}
			fz.mu.Lock()
			fz.found = append(fz.found, fd)
			if announce {
				fz.newFound++
			}
			fz.mu.Unlock()
			if announce {
				rel, _ := filepath.Rel(fz.cwd, path)
				fmt.Fprintf(fz.stdout, "\rinterleave fuzz: new finding: %s: %s: %s\n    %s\n    replay: %s\n", fd.Test, fd.Kind, fd.Message, rel, fd.Replay)
			}
		})
	}
}

// stateFile is where -resume finds the state of a fuzz of these packages.
func (fz *fuzzer) stateFile(patterns []string) string {
	key := fz.dir + "\x00" + strings.Join(patterns, "\x00") + "\x00" + fz.f.run
	if fz.f.shard != "" {
		// Shards fuzzing on one machine resume each its own.
		key += fmt.Sprintf("\x00%s\x00%d", fz.f.shard, fz.f.seed)
	}
	h := sha256.Sum256([]byte(key))
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "interleave", "fuzz", hex.EncodeToString(h[:8])+".json")
}

// saveState writes the state for -resume, atomically.
func (fz *fuzzer) saveState(start time.Time) {
	fz.mu.Lock()
	st := fz.state
	st.Runs = fz.runs
	st.Elapsed = fz.state.Elapsed + time.Since(start)
	st.Pairs = sortedKeys(fz.pairs)
	fz.mu.Unlock()
	data, err := json.Marshal(st)
	if err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(fz.statePath), 0o755); err != nil {
		return
	}
	tmp := fz.statePath + ".tmp" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return
	}
	os.Rename(tmp, fz.statePath)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// showProgress prints progress: a line rewritten in place on a terminal,
// a line every -progress interval otherwise.
func (fz *fuzzer) showProgress(ctx context.Context, start time.Time, total time.Duration, done chan struct{}) {
	tty := isTerminal(fz.stderr)
	every := fz.f.progress
	if tty {
		every = time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	runs0 := fz.runs
	for {
		select {
		case <-done:
			if tty {
				fmt.Fprint(fz.stderr, "\r\033[K")
			}
			return
		case <-tick.C:
		}
		fz.mu.Lock()
		runs, found, pairs := fz.runs, len(fz.found), len(fz.pairs)
		fz.mu.Unlock()
		el := time.Since(start)
		rate := float64(runs-runs0) / el.Seconds()
		line := fmt.Sprintf("runs %d (%.0f/s), findings %d, pairs %d, elapsed %s", runs, rate, found, pairs, (fz.state.Elapsed + el).Round(time.Second))
		if total > 0 {
			line += fmt.Sprintf(", left %s", max(total-el, 0).Round(time.Second))
		}
		if tty {
			fmt.Fprintf(fz.stderr, "\r\033[K%s", line)
		} else {
			fmt.Fprintf(fz.stderr, "interleave fuzz: %s\n", line)
		}
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// summary prints the end of a fuzz; the exit status is 1 if the corpora
// hold findings.
func (fz *fuzzer) summary(el time.Duration) int {
	fz.mu.Lock()
	defer fz.mu.Unlock()
	total := fz.state.Elapsed + el
	shard := ""
	if fz.f.shard != "" {
		shard = fmt.Sprintf("shard %s of seed %d, ", fz.f.shard, fz.state.Seed)
	}
	fmt.Fprintf(fz.stdout, "interleave fuzz: %s%s, %d runs (%.0f/s), %d findings (%d new), coverage: %d ordered pairs of conflicting operations\n",
		shard, total.Round(time.Second), fz.runs, float64(fz.runs)/max(total.Seconds(), 1e-9), len(fz.found), fz.newFound, len(fz.pairs))
	sort.Slice(fz.found, func(i, j int) bool {
		a, b := fz.found[i], fz.found[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.Test < b.Test
	})
	for _, fd := range fz.found {
		fmt.Fprintf(fz.stdout, "  %s %s: %s: %s\n      replay: %s\n", fd.Package, fd.Test, fd.Kind, fd.Message, fd.Replay)
	}
	if len(fz.found) > 0 {
		return 1
	}
	return 0
}
