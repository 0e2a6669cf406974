package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/instrument"
	"github.com/interleave-go/interleave/harness/report"
)

// Replay runs interleave replay: the one schedule of a finding, traced.
func Replay(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("interleave replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: interleave replay [flags] <finding file | token> [packages] [-- go test flags]\n\n"+
			"Runs the one schedule of a finding again, with its trace. A finding file\n"+
			"(from a corpus, testdata/interleave/<Test>/<id>) names its test and package;\n"+
			"for a bare token, -run names the test, or the packages' tests are searched\n"+
			"for the one the token was recorded by.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	run := fs.String("run", "", "the `test` the token was recorded by: its name, or the -run pattern of a replay line")
	race := fs.Bool("race", false, "build with the race detector")
	verbose := fs.Bool("v", false, "verbose, as go test -v")
	args, goArgs := splitArgs(args)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	target, err := resolveFinding(fs.Args(), *run)
	if err != nil {
		fmt.Fprintf(stderr, "interleave replay: %v\n", err)
		return 2
	}
	testArgs := []string{"-run", target.pattern, "-replay", target.token}
	if *race || target.finding != nil && target.finding.Kind == "race" {
		testArgs = append(testArgs, "-race")
	}
	if *verbose {
		testArgs = append(testArgs, "-v")
	}
	testArgs = append(testArgs, target.pkgs...)
	if len(goArgs) > 0 {
		testArgs = append(append(testArgs, "--"), goArgs...)
	}
	return Test(testArgs, stdout, stderr)
}

// A replayTarget is what a replay runs: a token, the -run pattern of its
// test, and the packages to look in.
type replayTarget struct {
	token, pattern string
	pkgs           []string
	finding        *report.Finding // when given as a file
}

// resolveFinding reads a finding file or finds the test of a bare token.
func resolveFinding(args []string, run string) (*replayTarget, error) {
	if len(args) == 0 {
		return nil, errors.New("no finding file or token")
	}
	what, pkgs := args[0], args[1:]
	if st, err := os.Stat(what); err == nil && !st.IsDir() {
		fd, err := report.ReadFile(what)
		if err != nil {
			return nil, err
		}
		if len(pkgs) == 0 {
			pkgs = []string{fd.Package}
		}
		return &replayTarget{token: fd.Token, pattern: report.RunPattern(fd.Test), pkgs: pkgs, finding: fd}, nil
	}
	if _, err := harness.TokenOf(what, ""); err != nil {
		return nil, fmt.Errorf("%q is neither a finding file nor a token: %v", what, err)
	}
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	if run != "" {
		return &replayTarget{token: what, pattern: runPattern(run), pkgs: pkgs}, nil
	}
	names, err := listTests(pkgs)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if ok, _ := harness.TokenOf(what, name); ok {
			return &replayTarget{token: what, pattern: report.RunPattern(name), pkgs: pkgs}, nil
		}
	}
	return nil, fmt.Errorf("no test in %s recorded the token (a subtest's token needs -run with the subtest's full name)", strings.Join(pkgs, " "))
}

// runPattern is the go test -run pattern of what -run was given: a test's
// name, or the pattern a replay line prints ('^TestX$', '^TestX$/^case$'),
// which is taken as it is.
func runPattern(run string) string {
	if strings.ContainsAny(run, `^$\*+?()[]{}|`) {
		return run
	}
	return report.RunPattern(run)
}

// listTests lists the top-level tests of packages, as go test -list does.
func listTests(pkgs []string) ([]string, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	dir, pkgs, err := moduleOf(cwd, pkgs)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("go", append([]string{"test", "-list", "."}, pkgs...)...)
	cmd.Dir, cmd.Env = dir, instrument.Env(nil)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the tests of %s: %v", strings.Join(pkgs, " "), err)
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Test") && !strings.ContainsAny(line, " \t") {
			names = append(names, line)
		}
	}
	return names, nil
}

// Report runs interleave report: a finding as an HTML page.
func Report(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("interleave report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: interleave report [-o file.html] [-race] <finding file | token> [packages] [-- go test flags]\n\n"+
			"Writes a finding as a self-contained HTML page: a lane per goroutine, the\n"+
			"failing step, the goroutines' final states. A token is replayed first.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	out := fs.String("o", "", "the HTML `file` to write (default interleave-<id>.html)")
	run := fs.String("run", "", "the `test` the token was recorded by: its name, or the -run pattern of a replay line")
	race := fs.Bool("race", false, "build with the race detector (for a finding of kind race)")
	args, goArgs := splitArgs(args)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	target, err := resolveFinding(fs.Args(), *run)
	if err != nil {
		fmt.Fprintf(stderr, "interleave report: %v\n", err)
		return 2
	}
	fd := target.finding
	if fd == nil {
		dir, err := os.MkdirTemp("", "interleave-report-")
		if err != nil {
			fmt.Fprintf(stderr, "interleave report: %v\n", err)
			return 2
		}
		defer os.RemoveAll(dir)
		found := filepath.Join(dir, "findings.jsonl")
		testArgs := []string{"-run", target.pattern, "-replay", target.token, "-findings", found}
		if *race {
			testArgs = append(testArgs, "-race")
		}
		testArgs = append(testArgs, target.pkgs...)
		testArgs = append(append(testArgs, "--"), goArgs...)
		if code := Test(testArgs, io.Discard, stderr); code == 2 {
			return 2
		}
		data, _ := os.ReadFile(found)
		first, _, _ := strings.Cut(string(data), "\n")
		if first == "" {
			fmt.Fprintln(stderr, "interleave report: the replayed schedule did not fail: nothing to report")
			return 1
		}
		if fd, err = report.Parse([]byte(first)); err != nil {
			fmt.Fprintf(stderr, "interleave report: %v\n", err)
			return 2
		}
	}
	path := *out
	if path == "" {
		path = "interleave-" + fd.ID() + ".html"
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "interleave report: %v\n", err)
		return 2
	}
	if err := report.WriteHTML(f, fd); err != nil {
		f.Close()
		fmt.Fprintf(stderr, "interleave report: %v\n", err)
		return 2
	}
	if err := f.Close(); err != nil {
		fmt.Fprintf(stderr, "interleave report: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "interleave report: wrote %s (%s: %s)\n", path, fd.Kind, fd.Message)
	return 0
}
