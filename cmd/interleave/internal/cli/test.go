package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/interleave-go/interleave/cmd/interleave/internal/results"
	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/instrument"
	"github.com/interleave-go/interleave/harness/report"
)

// testFlags are the flags of interleave test.
type testFlags struct {
	strategy string
	runs     int
	time     time.Duration
	seed     uint64
	replay   string
	race     bool
	run      string
	verbose  bool
	json     bool
	findings string
	junit    string
	keep     bool
	shard    string
	latency  time.Duration
	maxSteps int
}

func (f *testFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.strategy, "strategy", "", "exploration strategy: portfolio, random, pct, pct:DEPTH, pos, rff, dfs, dfs:PREEMPTIONS, dfs:all (default portfolio)")
	fs.IntVar(&f.runs, "runs", 0, "runs per test (default 1000)")
	fs.DurationVar(&f.time, "time", 0, "time budget per test (default 10s)")
	fs.Uint64Var(&f.seed, "seed", 0, "seed of the strategy")
	fs.StringVar(&f.replay, "replay", "", "replay the schedule `token` of a finding (use with -run)")
	fs.BoolVar(&f.race, "race", false, "build with the race detector")
	fs.StringVar(&f.run, "run", "", "run only the tests matching `regexp`, as go test -run")
	fs.BoolVar(&f.verbose, "v", false, "verbose: go test -v, and a summary of each exploration")
	fs.BoolVar(&f.json, "json", false, "print go test -json's event stream on stdout (test2json), each finding's report its test's output")
	fs.StringVar(&f.findings, "findings", "", "write the findings to `file`, one JSON object a line")
	fs.StringVar(&f.junit, "junit", "", "write a JUnit XML report to `file`: a testcase a test, a failure a finding")
	fs.BoolVar(&f.keep, "work", false, "print where the instrumented files are (they stay in the cache, $INTERLEAVE_CACHE or the user cache directory's interleave)")
	fs.StringVar(&f.shard, "shard", "", "explore only share `i/n` of each test's schedules (0 <= i < n)")
	f.latency = -1
	fs.Var((*latencyFlag)(&f.latency), "latency", "how long, in virtual time, a ready goroutine may wait for its turn while timers fire: a duration, or auto (a goroutine that can run goes first, but the end of a sleep or timer of d may come up to 10d late, at most 1s); 0: timers fire only when nothing can run")
	fs.IntVar(&f.maxSteps, "maxsteps", 0, "step limit per run (default 1000000)")
}

// Test runs interleave test.
func Test(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("interleave test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: interleave test [flags] [packages] [-- go test flags]\n\n"+
			"Instruments the packages and their dependencies outside the standard library,\n"+
			"and runs their tests with every Test function explored. With GITHUB_ACTIONS=true\n"+
			"in the environment, each finding is also printed as a GitHub Actions ::error\n"+
			"annotation at the line to look at.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	start := time.Now()
	var f testFlags
	f.register(fs)
	pkgArgs, goArgs := splitArgs(args)
	if err := fs.Parse(pkgArgs); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if f.strategy != "" {
		if err := checkStrategy(f.strategy); err != nil {
			fmt.Fprintf(stderr, "interleave test: -strategy: %v\n", err)
			return 2
		}
	}
	if f.shard != "" {
		if _, _, err := parseShard(f.shard); err != nil {
			fmt.Fprintf(stderr, "interleave test: -shard: %v\n", err)
			return 2
		}
	}
	if f.runs < 0 || f.time < 0 || f.maxSteps < 0 {
		fmt.Fprintln(stderr, "interleave test: -runs, -time and -maxsteps must not be negative")
		return 2
	}
	patterns := fs.Args()
	for _, p := range patterns {
		if strings.HasPrefix(p, "-") {
			fmt.Fprintf(stderr, "interleave test: flag %s after the packages: put interleave's flags before the packages and go test's after --\n", p)
			return 2
		}
	}
	var buildFlags []string
	if f.race {
		buildFlags = append(buildFlags, "-race")
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "interleave test: %v\n", err)
		return 2
	}
	dir, patterns, err := moduleOf(cwd, patterns)
	if err != nil {
		fmt.Fprintf(stderr, "interleave test: %v\n", err)
		return 2
	}
	b, err := instrument.Prepare(instrument.Config{Dir: dir, Patterns: patterns, BuildFlags: append(buildFlags, tagsOf(goArgs)...), CacheDir: os.Getenv(cacheEnv)})
	if err != nil {
		fmt.Fprintf(stderr, "interleave test: %v\n", err)
		return 2
	}
	if f.keep {
		fmt.Fprintf(stderr, "interleave test: instrumented build: %s\n", strings.Join(b.Flags(), " "))
	} else {
		defer b.Close()
	}
	for _, w := range b.Warnings {
		fmt.Fprintf(stderr, "interleave test: warning: %s\n", w)
	}
	checkCorpora(b.Dirs, cwd, stderr)
	goTest := append([]string{"test"}, b.Flags()...)
	// -junit needs the outcome of each test, which go test -json says.
	stream := f.json || f.junit != ""
	if stream {
		goTest = append(goTest, "-json")
	}
	goTest = append(goTest, buildFlags...)
	if f.run != "" {
		goTest = append(goTest, "-run", f.run)
	}
	if f.verbose {
		goTest = append(goTest, "-v")
	}
	if !hasTestFlag(goArgs, "short") {
		// Every test runs hundreds of times: tests that scale down
		// under -short (stress loops) do so here too.
		goTest = append(goTest, "-short")
	}
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	goTest = append(goTest, patterns...)
	goTest = append(goTest, goArgs...)
	// go test's -timeout bounds a binary, which explores each of its
	// tests for up to -time: the harness applies it to the time spent
	// outside explorations and to each exploration instead.
	timeout := "10m"
	if v, ok := testFlagValue(goArgs, "timeout"); ok {
		timeout = v
	}
	goTest = append(goTest, "-timeout=0", "-interleave.timeout="+timeout)
	goTest = append(goTest, "-interleave.command=interleave test", "-interleave.cwd="+cwd)
	if a := replayArgs(goArgs); a != "" {
		goTest = append(goTest, "-interleave.args="+a)
	}
	if f.latency >= 0 {
		goTest = append(goTest, "-interleave.latency="+f.latency.String())
	}
	if f.maxSteps > 0 {
		goTest = append(goTest, "-interleave.maxsteps="+strconv.Itoa(f.maxSteps))
	}
	if f.strategy != "" {
		goTest = append(goTest, "-interleave.strategy="+f.strategy)
	}
	if f.runs > 0 {
		goTest = append(goTest, "-interleave.runs="+strconv.Itoa(f.runs))
	}
	if f.time > 0 {
		goTest = append(goTest, "-interleave.time="+f.time.String())
	}
	if f.seed != 0 {
		goTest = append(goTest, "-interleave.seed="+strconv.FormatUint(f.seed, 10))
	}
	if f.replay != "" {
		goTest = append(goTest, "-interleave.replay="+f.replay)
	}
	if f.verbose {
		goTest = append(goTest, "-interleave.v")
	}
	if f.shard != "" {
		goTest = append(goTest, "-interleave.shard="+f.shard)
	}
	// The test binaries write each finding, and a line for each
	// exploration, here: the findings file, the JUnit report, the
	// annotations and the summary are made from them.
	tmp, err := os.MkdirTemp("", "interleave-results-")
	if err != nil {
		fmt.Fprintf(stderr, "interleave test: %v\n", err)
		return 2
	}
	defer os.RemoveAll(tmp)
	findingsDir, explored := filepath.Join(tmp, "findings"), filepath.Join(tmp, "explored")
	if err := os.Mkdir(findingsDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "interleave test: %v\n", err)
		return 2
	}
	goTest = append(goTest, "-interleave.findings="+findingsDir, "-interleave.explored="+explored)
	flightDir, err := os.MkdirTemp("", "interleave-flight-")
	if err == nil {
		defer os.RemoveAll(flightDir)
		goTest = append(goTest, "-interleave.flight="+flightDir)
	}
	cmd := exec.Command("go", goTest...)
	cmd.Dir = dir
	cmd.Env = instrument.Env(nil)
	if f.race {
		// The race detector's reports go to a file the harness quotes in
		// its reports of kind race.
		dir, err := os.MkdirTemp("", "interleave-race-")
		if err == nil {
			defer os.RemoveAll(dir)
			cmd.Env = append(cmd.Env, "GORACE="+goRace(os.Getenv("GORACE"), dir+"/race"))
		}
	}
	cmd.Stdout, cmd.Stderr, cmd.Stdin = stdout, stderr, os.Stdin
	var run results.Run
	if stream {
		err = runStream(cmd, &run, stdout, f.json)
	} else {
		err = cmd.Run()
	}
	if err != nil && flightDir != "" {
		reportCrashes(flightDir, stderr)
	}
	code := 0
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		code = 1
	default:
		fmt.Fprintf(stderr, "interleave test: go test: %v\n", err)
		code = 2
	}
	// What is said after go test's output goes where it does not spoil
	// the stream of -json.
	after := stdout
	if f.json {
		after = stderr
	}
	found, err := results.ReadFindings(findingsDir)
	if err != nil {
		fmt.Fprintf(stderr, "interleave test: reading the findings: %v\n", err)
		return 2
	}
	if f.findings != "" {
		if err := writeFile(f.findings, func(w io.Writer) error { return results.WriteFindings(w, found) }); err != nil {
			fmt.Fprintf(stderr, "interleave test: -findings: %v\n", err)
			return 2
		}
	}
	if f.junit != "" {
		err := writeFile(f.junit, func(w io.Writer) error { return results.WriteJUnit(w, &run, found, start, time.Since(start)) })
		if err != nil {
			fmt.Fprintf(stderr, "interleave test: -junit: %v\n", err)
			return 2
		}
	}
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		annotate(after, found, dir)
	}
	if len(b.Packages) > 1 && !f.json {
		// With -json, the stream's reader sums up (gotestsum prints its
		// own); what is on stderr it counts as errors.
		xs, _ := results.ReadExplorations(explored)
		results.Summary{Packages: len(b.Packages), Explorations: xs, Findings: found, Elapsed: time.Since(start)}.Write(after)
	}
	return code
}

// runStream runs go test -json, reading its event stream as it comes:
// printed as it is with -json, or as the output it carries (go test -v's
// text) without.
func runStream(cmd *exec.Cmd, run *results.Run, stdout io.Writer, raw bool) error {
	cmd.Stdout = nil
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	rerr := run.Read(pipe, func(text []byte, e *results.Event) {
		if !raw && e != nil {
			io.WriteString(stdout, e.Output)
			return
		}
		stdout.Write(text)
	})
	err = cmd.Wait()
	if err == nil {
		err = rerr
	}
	return err
}

// annotate prints a GitHub Actions annotation for each finding, with
// paths relative to the root of the repository that holds the module in
// dir (where a pull request's diff is), or to the module's root if it is
// in none.
func annotate(w io.Writer, found []*report.Finding, dir string) {
	module := enclosing(dir, "go.mod")
	if module == "" {
		module = dir
	}
	root := module
	if repo := enclosing(module, ".git"); repo != "" {
		root = repo
	}
	var skip []string // the module cache and GOROOT, wherever they are
	if out, err := exec.Command("go", "env", "GOMODCACHE", "GOROOT").Output(); err == nil {
		for _, d := range strings.Fields(string(out)) {
			skip = append(skip, filepath.Clean(d)+string(filepath.Separator))
		}
	}
	for _, f := range found {
		fmt.Fprintln(w, results.Annotation(f, root, module, func(file string) bool {
			for _, d := range skip {
				if strings.HasPrefix(file, d) {
					return true
				}
			}
			return false
		}))
	}
}

// enclosing returns the nearest directory from dir up that holds name,
// "" if none does.
func enclosing(dir, name string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// writeFile writes a file atomically with write.
func writeFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// reportCrashes says which explorations a test binary that died left
// unfinished, with the replay line of the run in progress: a binary that
// dies prints its stacks, but not what it was exploring.
func reportCrashes(dir string, stderr io.Writer) {
	for _, c := range report.Crashes(dir) {
		if !c.InRun {
			fmt.Fprintf(stderr, "interleave test: the test binary died while exploring %s, after run %d\n", c.Test, c.Run+1)
			continue
		}
		fmt.Fprintf(stderr, "interleave test: the test binary died during run %d of %s; the schedule in progress replays with:\n    %s\n", c.Run+1, c.Test, c.Line)
		if c.Cut {
			fmt.Fprintln(stderr, "  (the run made more decisions than the record holds: the line replays its start, then goes on without preemption)")
		}
	}
}

// goRace returns the GORACE setting of an explored test binary: the
// user's, with the reports going to logPath unless the user sent them
// elsewhere, and every report printed, not only the first of each pair of
// stacks: shrinking a race replays it, and each replay must show it again.
func goRace(user, logPath string) string {
	opts := strings.Fields(user)
	has := func(name string) bool {
		for _, o := range opts {
			if strings.HasPrefix(o, name+"=") {
				return true
			}
		}
		return false
	}
	if !has("log_path") {
		opts = append(opts, "log_path="+logPath)
	}
	for _, o := range []string{"suppress_equal_stacks", "suppress_equal_addresses"} {
		if !has(o) {
			opts = append(opts, o+"=0")
		}
	}
	return strings.Join(opts, " ")
}

// replayArgs returns the go test flags a replay line must repeat,
// shell-quoted: all of them but the ones the line sets itself (-run) or
// that only change how results are printed.
func replayArgs(goArgs []string) string {
	var out []string
	for i := 0; i < len(goArgs); i++ {
		a := goArgs[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		name = strings.TrimPrefix(name, "test.")
		switch name {
		case "run", "json", "v", "count", "o", "coverprofile", "outputdir":
			if !hasValue && name != "json" && name != "v" && i+1 < len(goArgs) {
				i++ // its value
			}
			continue
		}
		out = append(out, shellQuote(a))
	}
	return strings.Join(out, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./:,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// splitArgs splits the command line at "--".
func splitArgs(args []string) (ours, goTest []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}

// tagsOf returns the -tags flag among go test flags, which loading the
// packages must see too.
func tagsOf(goArgs []string) []string {
	var out []string
	for i, a := range goArgs {
		switch {
		case strings.HasPrefix(a, "-tags="), strings.HasPrefix(a, "--tags="):
			out = append(out, a)
		case (a == "-tags" || a == "--tags") && i+1 < len(goArgs):
			out = append(out, "-tags="+goArgs[i+1])
		}
	}
	return out
}

func checkStrategy(s string) error {
	_, err := harness.ParseStrategy(s)
	return err
}

// moduleOf finds the module the patterns are in. Patterns that are
// directories of a module nested below the current one (./examples/...)
// run from that module's root, as if interleave test had been run there;
// import paths run from the current directory.
func moduleOf(cwd string, patterns []string) (string, []string, error) {
	root := ""
	var out []string
	for _, p := range patterns {
		if !strings.HasPrefix(p, ".") && !filepath.IsAbs(p) {
			return cwd, patterns, nil // an import path
		}
		base, dots := strings.CutSuffix(p, "/...")
		abs := base
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, base)
		}
		r := abs
		for {
			if _, err := os.Stat(filepath.Join(r, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(r)
			if parent == r {
				return cwd, patterns, nil // not in a module: let go test say so
			}
			r = parent
		}
		if root != "" && r != root {
			return "", nil, fmt.Errorf("the packages are in several modules (%s and %s): run interleave test in each", root, r)
		}
		root = r
		rel, err := filepath.Rel(r, abs)
		if err != nil {
			return "", nil, err
		}
		q := "./" + filepath.ToSlash(rel)
		if rel == "." {
			q = "."
		}
		if dots {
			q += "/..."
		}
		out = append(out, q)
	}
	if root == "" {
		return cwd, patterns, nil
	}
	return root, out, nil
}

// hasTestFlag reports whether go test arguments set the test flag name
// (-name, -name=v, -test.name...).
func hasTestFlag(args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		a, _, _ = strings.Cut(a, "=")
		if a == name || a == "test."+name {
			return true
		}
	}
	return false
}

// testFlagValue returns the value of go test flag name in args (-name=v
// or -name v, with or without test.), the last one given.
func testFlagValue(args []string, name string) (string, bool) {
	v, found := "", false
	for i, a := range args {
		a = strings.TrimLeft(a, "-")
		k, val, hasVal := strings.Cut(a, "=")
		if k != name && k != "test."+name {
			continue
		}
		if !hasVal && i+1 < len(args) {
			val = args[i+1]
		}
		v, found = val, true
	}
	return v, found
}

// checkCorpora reports the files of the packages' corpora that are not
// findings: the harness skips them, silently unless -v.
func checkCorpora(dirs map[string]string, cwd string, stderr io.Writer) {
	paths := make([]string, 0, len(dirs))
	for _, d := range dirs {
		paths = append(paths, d)
	}
	sort.Strings(paths)
	for _, d := range paths {
		report.WalkCorpus(d, func(path string, _ *report.Finding, err error) {
			if err == nil {
				return
			}
			if rel, rerr := filepath.Rel(cwd, path); rerr == nil {
				err = errors.New(strings.Replace(err.Error(), path, rel, 1))
			}
			fmt.Fprintf(stderr, "interleave test: skipping a corpus file: %v\n", err)
		})
	}
}

// latencyFlag is -latency: a duration that is not negative, or auto (-1).
type latencyFlag time.Duration

func (l *latencyFlag) String() string {
	if l == nil || *l < 0 {
		return "auto"
	}
	return time.Duration(*l).String()
}

func (l *latencyFlag) Set(s string) error {
	if s == "auto" {
		*l = -1
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a duration such as 10ms, or auto")
	}
	if d < 0 {
		return fmt.Errorf("must not be negative")
	}
	*l = latencyFlag(d)
	return nil
}
