package harness

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/interleave-go/interleave/harness/internal/engine"
	"github.com/interleave-go/interleave/harness/internal/strategy"
	"github.com/interleave-go/interleave/harness/internal/token"
	"github.com/interleave-go/interleave/harness/report"
)

// emit reports a failure through the test and, with -interleave.findings,
// writes it as a finding.
func (e *exploration) emit(f *engine.Failure, res *engine.Result, where, tok string) {
	e.t.Helper()
	line := e.replayLine(tok)
	text := formatReport(f, res, where, line, e.cfg.latency)
	e.t.Error(text)
	if *flagFindings == "" && !*flagSave {
		return
	}
	fd := finding(f, res, e.t.Name(), e.pkg, where, tok, line)
	if res.Hold != nil {
		fd.Timing = timing(res.Hold, e.cfg.latency)
	}
	if *flagFindings != "" {
		// Findings of tests of the same name in other packages, which
		// may share the directory, are other files.
		with := *fd
		with.Report = text
		pkg := sha256.Sum256([]byte(e.pkg))
		name := fmt.Sprintf("%s-%x.json", fd.ID(), pkg[:4])
		if err := with.WriteFile(filepath.Join(*flagFindings, name)); err != nil {
			e.t.Errorf("interleave: writing the finding: %v", err)
		}
	}
	if *flagSave {
		// Into the corpus, the moment it is found: a fuzzing process
		// killed right after loses nothing. The first of a kind stays.
		path := filepath.Join(report.CorpusDir(e.t.Name()), fd.ID())
		if _, err := os.Stat(path); os.IsNotExist(err) {
			if err := fd.WriteFile(path); err != nil {
				e.t.Errorf("interleave: saving the finding: %v", err)
			}
		}
	}
}

// finding turns a failure and its traced run into a report.Finding.
func finding(f *engine.Failure, res *engine.Result, test, pkg, where, tok, line string) *report.Finding {
	fd := &report.Finding{
		Version: report.Version, Package: pkg, Test: test,
		Kind: string(f.Kind), Message: f.Message, Details: f.Details,
		Token: tok, Replay: line, Found: where,
		FailG: f.G, FailStep: f.Step, Time: time.Now().UTC().Truncate(time.Second),
	}
	if res.Trace != nil {
		for _, s := range res.Trace.Steps {
			fd.Steps = append(fd.Steps, report.Step{Step: s.Step, G: s.G, Op: s.Op, Object: s.Object,
				File: s.File, Line: s.Line, Func: s.Func, Partner: s.Partner, Clock: int64(s.Clock), Preempt: s.Preempted()})
		}
		for _, g := range res.Trace.Goroutines {
			fd.Goroutines = append(fd.Goroutines, report.Goroutine{G: g.G, Func: g.Func, State: g.State, Blocked: g.Blocked, File: g.File, Line: g.Line, Stack: g.Stack})
		}
	}
	for _, m := range res.Messages {
		fd.Log = append(fd.Log, report.LogLine{G: m.G, Text: m.Text, Error: m.Error, File: m.File, Line: m.Line})
	}
	return fd
}

// replayCorpus replays the findings kept for this test in the package's
// corpus (testdata/interleave/<Test>, which interleave fuzz fills), as
// regression cases, before exploring. It reports whether one failed again.
// A finding whose schedule no longer fits the program (it was fixed, or
// changed) passes; a file that is not a finding is reported and skipped.
func (e *exploration) replayCorpus() bool {
	e.t.Helper()
	dir := report.CorpusDir(e.t.Name())
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	names := make([]string, 0, len(entries))
	for _, de := range entries {
		if de.Type().IsRegular() && !strings.HasPrefix(de.Name(), ".") {
			names = append(names, de.Name())
		}
	}
	sort.Strings(names)
	orig := e.cfg
	defer func() {
		if err := e.use(orig); err != nil {
			e.t.Errorf("interleave: %v", err)
		}
	}()
	for _, name := range names {
		path := filepath.Join(dir, name)
		fd, err := report.ReadFile(path)
		if err == nil && fd.Test != e.t.Name() {
			err = fmt.Errorf("%s: a finding of %s, not %s", path, fd.Test, e.t.Name())
		}
		var sched token.Schedule
		if err == nil {
			if sched, err = token.Decode(fd.Token); err != nil {
				err = fmt.Errorf("%s: %v", path, err)
			} else if sched.Test != token.TestHash(e.t.Name()) {
				err = fmt.Errorf("%s: the token was recorded for another test", path)
			}
		}
		if err != nil {
			e.t.Logf("interleave: skipping a corpus file: %v", err)
			continue
		}
		if err := e.adopt(sched); err != nil {
			e.t.Logf("interleave: skipping a corpus file: %s: %v", path, err)
			continue
		}
		rs := strategy.NewReplay(sched.Decisions)
		rs.BeginRun(0)
		res := e.runBody(rs, engine.RunParams{Trace: true, Seed: sched.Seed, Epoch: replayEpoch(sched.Epoch)})
		if res.Failure != nil && res.Failure.Kind != engine.KindNondeterminism {
			e.emit(res.Failure, res, "the corpus: "+filepath.ToSlash(path), fd.Token)
			return true
		}
	}
	return false
}

// writeStats appends what the exploration did to the -interleave.stats
// file: "runs N", then a "pair A -> B" line for each ordered pair of
// conflicting operations its runs saw. interleave fuzz adds them up.
func (e *exploration) writeStats(runs int) {
	if *flagStats == "" {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "runs %d\n", runs)
	for _, p := range e.x.Coverage() {
		fmt.Fprintf(&b, "pair %s\n", p)
	}
	f, err := os.OpenFile(*flagStats, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		e.t.Errorf("interleave: -interleave.stats: %v", err)
		return
	}
	defer f.Close()
	if _, err := f.WriteString(b.String()); err != nil {
		e.t.Errorf("interleave: -interleave.stats: %v", err)
	}
}

// writeExplored appends a line for the exploration to the
// -interleave.explored file: its package, its test and its runs, which
// interleave test adds up into its closing summary. A line is one write,
// which the binaries of several packages make to one file at once.
func (e *exploration) writeExplored(runs int, failed bool) {
	if *flagExplored == "" {
		return
	}
	line, err := json.Marshal(struct {
		Package string `json:"package"`
		Test    string `json:"test"`
		Runs    int    `json:"runs"`
		Failed  bool   `json:"failed,omitempty"`
	}{e.pkg, e.t.Name(), runs, failed})
	if err != nil {
		return
	}
	f, err := os.OpenFile(*flagExplored, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		e.t.Errorf("interleave: -interleave.explored: %v", err)
		return
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		e.t.Errorf("interleave: -interleave.explored: %v", err)
	}
}

// TokenOf reports whether tok is a well-formed replay token recorded by
// the test named test; a malformed token is an error. Tools use it to find
// the test a bare token belongs to.
func TokenOf(tok, test string) (bool, error) {
	sched, err := token.Decode(tok)
	if err != nil {
		return false, err
	}
	return sched.Test == token.TestHash(test), nil
}
