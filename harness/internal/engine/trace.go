package engine

import (
	"cmp"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// A Trace is the record of a traced run, in the words a report uses.
type Trace struct {
	Steps      []Step
	Goroutines []GState
	// Omitted steps of a long run are not kept: they came after the
	// first OmittedAfter steps of Steps.
	Omitted, OmittedAfter int
}

// A Step is one transition of a traced run.
type Step struct {
	Step    int
	G       int
	Op      string // "Lock", "send", ...
	Object  string // "from.mu", "from.mu#2", "sync.Mutex#1", "g3" for go; "" if none
	File    string // where the goroutine performed it
	Line    int
	Func    string
	Partner int           // the other goroutine of a rendezvous, or -1
	Clock   time.Duration // virtual time after the step, since the run's start
	preempt bool
}

// hold is a wait of a goroutine that could go on, while the clock moved.
type hold struct {
	g     int
	wait  int64 // virtual nanoseconds
	since int64 // the clock when the goroutine could go on
	step  int   // the step at which the timer fired
	late  int64 // the duration of the timer whose end let it go on, if one did
	timer vtimer
}

// A Hold is the longest a goroutine that could go on waited for its turn
// in a traced run while timers fired: the timing a schedule assumes. A
// run with a Hold does not happen under a Latency of Wait or less.
type Hold struct {
	G     int
	Wait  time.Duration
	Since time.Duration // virtual time when G could go on
	Step  int           // the step at which the timer fired
	// Late is the duration of the sleep or timer whose end let G go on,
	// if that is how it could: its end came Wait late. 0 if G could go on
	// of its own and waited for its turn.
	Late  time.Duration
	Where string // file:line of the operation G waited to make
	Timer string // what fired: "the timer made at x.go:12", "g1's sleep at x.go:30"
}

// A GState is a goroutine's state at the end of a traced run.
type GState struct {
	G       int
	Func    string // the function it runs, as the program calls it: "Transfer", "s.run"; "" if unknown
	State   string // "returned", "panicked", "blocked: Lock to.mu (held by g1)", ...
	Blocked bool
	File    string // where it stopped, for a blocked goroutine
	Line    int
	Stack   string // its user frames, one "func\n\tfile:line" pair a frame
}

// Preempted reports whether the step switched away from a goroutine that
// could have gone on.
func (s Step) Preempted() bool { return s.preempt }

// Preemptions counts the switches away from a goroutine that could have
// gone on: the measure of how unusual a schedule is.
func (t *Trace) Preemptions() int { return len(t.PreemptionSteps()) }

// PreemptionSteps returns the steps taken by another goroutine while the
// previous one could have continued. It relies on the steps recording
// whether the previous goroutine was still enabled.
func (t *Trace) PreemptionSteps() []int {
	var out []int
	for i := 1; i < len(t.Steps); i++ {
		if t.Steps[i].G != t.Steps[i-1].G && t.Steps[i].preempt {
			out = append(out, t.Steps[i].Step)
		}
	}
	return out
}

// result builds the run's Result; the run's goroutines have all exited or
// been abandoned, so their handles may be read.
func (r *Run) result() *Result {
	res := &Result{Failure: r.failure, Steps: r.nsteps, Choices: len(r.decisions), Decisions: r.decisions, Preempted: r.preempted, Pruned: r.pruned, Cut: r.cut,
		Sampled: r.sampled, Unchosen: r.unchosen, Held: r.held}
	for _, g := range r.gs {
		if g.state != gStuck && g.h != nil {
			res.Messages = append(res.Messages, g.h.msgs...)
		}
	}
	slices.SortStableFunc(res.Messages, func(a, b Message) int { return cmp.Compare(a.Step, b.Step) })
	if f := res.Failure; f != nil {
		if f.msgf != nil {
			f.Message, f.msgf = f.msgf(), nil
		}
		switch f.Kind {
		case KindPanic:
			if h := r.handleOf(f.G); h != nil && h.exit == exitPanic && !f.fatal {
				f.Message = fmt.Sprintf("%v (in g%d)", h.panicVal, f.G)
				f.Value = h.panicVal
				f.Details = string(h.panicStack)
			} else if f.Message == "" {
				f.Message = fmt.Sprintf("goroutine g%d failed", f.G)
			} else {
				f.Message = fmt.Sprintf("%s (in g%d)", f.Message, f.G)
			}
		case KindAssertion, KindInvariant:
			for _, m := range res.Messages {
				if m.Error {
					f.Message, f.G = m.Text, m.G
					break
				}
			}
		}
	}
	if r.trace {
		res.Trace = r.buildTrace()
		res.Hold = r.holdOf()
	}
	return res
}

func (r *Run) handleOf(id int) *Handle {
	if id < 0 || id >= len(r.gs) || r.gs[id].state == gStuck {
		return nil
	}
	return r.gs[id].h
}

// buildTrace turns the rows and the goroutines' locations into a Trace.
func (r *Run) buildTrace() *Trace {
	locs := make(map[[2]int][]uintptr)
	for _, g := range r.gs {
		if h := r.handleOf(g.id); h != nil {
			for _, l := range h.locs {
				locs[[2]int{g.id, l.step}] = l.pcs
			}
		}
	}
	rows := r.keptRows()
	// First where each step and each blocked goroutine are, and what the
	// source there calls their objects; then the names, which depend on
	// all of them.
	nm := newNamer()
	frames := make([]runtime.Frame, len(rows))
	texts := make([]string, len(rows))
	goRows := make(map[int]runtime.Frame) // the go step that made each goroutine
	for i, rw := range rows {
		frames[i], _ = userFrame(locs[[2]int{rw.g, rw.step}])
		if rw.kind == KGo {
			goRows[rw.child] = frames[i]
		}
		switch {
		case rw.obj == nil || (rw.kind == KTimer && rw.timer.kind == tSleep):
			continue
		case rw.kind == KTimer:
			// The clock's step: no line, but the timer's name.
			nm.see(rw.obj, r.kindOfObject(rw.obj, objTimer), "")
			continue
		}
		texts[i] = nm.text(frames[i], rw.kind, rw.sel, rw.cas)
		nm.see(rw.obj, r.kindOfObject(rw.obj, objChan), texts[i])
	}
	blocked := make(map[int]blockedG)
	waits := make(map[int]*waitNames)
	for _, b := range r.blocked {
		blocked[b.g] = b
		w := &waitNames{}
		waits[b.g] = w
		var at runtime.Frame
		if h := r.handleOf(b.g); h != nil {
			at, _ = userFrame(h.final)
		}
		op := b.op
		if op.obj != nil {
			w.text = nm.text(at, op.kind, false, 0)
			nm.see(op.obj, r.kindOfObject(op.obj, objKindOf(op.kind)), w.text)
		}
		for i, c := range op.cases {
			t := nm.text(at, op.kind, op.kind == KSelect, i)
			w.cases = append(w.cases, t)
			if c.Ch != nil {
				nm.see(c.Ch, objChan, t)
			}
		}
	}
	for i, rw := range rows {
		if rw.obj != nil {
			nm.use(rw.obj, texts[i])
		}
	}
	for _, b := range r.blocked {
		w := waits[b.g]
		if b.op.obj != nil {
			nm.use(b.op.obj, w.text)
		}
		for i, c := range b.op.cases {
			if c.Ch != nil {
				nm.use(c.Ch, w.cases[i])
			}
		}
	}

	t := &Trace{Omitted: r.omitted, OmittedAfter: len(r.rows)}
	for i, rw := range rows {
		s := Step{Step: rw.step, G: rw.g, Op: rw.kind.String(), Partner: rw.partner}
		if rw.obj != nil && rw.kind != KTimer {
			s.Object = nm.name(rw.obj, texts[i])
		}
		switch rw.kind {
		case KWGAdd:
			if rw.n == -1 {
				s.Op = "Done"
			}
		case KGo:
			s.Object = fmt.Sprintf("g%d", rw.child)
		case KRand:
			s.Object = fmt.Sprintf("drew %d of 0..%d", rw.drawn, rw.n-1)
		case KTimer:
			if rw.timer.kind == tSleep {
				s.Object = fmt.Sprintf("sleep of g%d", rw.timer.g)
			} else if rw.obj != nil {
				s.Object = nm.name(rw.obj, "")
			} else {
				s.Object = describeTimer(&rw.timer)
			}
		}
		s.Clock = time.Duration(rw.clock)
		if rw.kind == KTryLock || rw.kind == KTryRLock || rw.kind == KTryWLock {
			if rw.ok {
				s.Op += " (acquired)"
			} else {
				s.Op += " (failed)"
			}
		}
		s.preempt = rw.preempt
		if f := frames[i]; f.File != "" {
			s.File, s.Line, s.Func = f.File, f.Line, f.Function
		}
		t.Steps = append(t.Steps, s)
	}
	for _, g := range r.gs {
		gs := GState{G: g.id}
		h := r.handleOf(g.id)
		if h != nil && len(h.locs) > 0 {
			gs.Func = nm.started(goRows[g.id], h.locs[0].pcs)
		} else {
			gs.Func = nm.started(goRows[g.id], nil)
		}
		switch {
		case g.state == gStuck:
			gs.State = "running outside the harness's control (see its stack above)"
		case blockedHas(blocked, g.id):
			b := blocked[g.id]
			gs.Blocked = !b.enabled
			if b.enabled {
				gs.State = "runnable, about to " + r.describeWait(b, nm, waits[g.id])
			} else {
				gs.State = "blocked: " + r.describeWait(b, nm, waits[g.id])
			}
			if h != nil {
				frames := userFrames(h.final)
				if len(frames) > 0 {
					gs.File, gs.Line = frames[0].File, frames[0].Line
				}
				gs.Stack = formatFrames(frames)
			}
		case h != nil && h.exit == exitPanic:
			gs.State = fmt.Sprintf("panicked: %v", h.panicVal)
		case h != nil && h.exit == exitGoexit:
			gs.State = "exited (runtime.Goexit or FailNow)"
		default:
			gs.State = "returned"
		}
		t.Goroutines = append(t.Goroutines, gs)
	}
	return t
}

// waitNames is what the source calls the objects a blocked goroutine
// waits on: the operation's, and each case's channel.
type waitNames struct {
	text  string
	cases []string
}

// kindOfObject returns the kind of the object at p, as the run modelled
// it, or else def.
func (r *Run) kindOfObject(p unsafe.Pointer, def objKind) objKind {
	if o, ok := r.objs[p]; ok {
		return o.kind
	}
	return def
}

func blockedHas(m map[int]blockedG, id int) bool { _, ok := m[id]; return ok }

// describeWait says what a blocked goroutine waits for.
func (r *Run) describeWait(b blockedG, nm *namer, w *waitNames) string {
	op := b.op
	name := ""
	if op.obj != nil {
		name = nm.name(op.obj, w.text)
	}
	switch op.kind {
	case KLock:
		o := &b.obj
		return fmt.Sprintf("Lock %s (%s)", name, holderText(o.holder))
	case KRLock:
		o := &b.obj
		if o.announced != free {
			return fmt.Sprintf("RLock %s (writer g%d waiting)", name, o.announced)
		}
		return fmt.Sprintf("RLock %s (%s)", name, holderText(o.writer))
	case KWLock:
		o := &b.obj
		if b.announced {
			return fmt.Sprintf("Lock %s (waiting for %s to RUnlock)", name, plural(o.readers, "reader"))
		}
		return fmt.Sprintf("Lock %s (%s)", name, holderText(o.writer))
	case KWGWait:
		return fmt.Sprintf("Wait %s (counter %d)", name, b.obj.count)
	case KCondRelock:
		if !b.signaled {
			return fmt.Sprintf("Wait %s (not signaled)", name)
		}
		return fmt.Sprintf("Wait %s (signaled, waiting for its lock)", name)
	case KOnce:
		return fmt.Sprintf("Do %s (g%d is running the function)", name, b.obj.running)
	case KSend, KRecv, KSelect:
		var parts []string
		for i, c := range op.cases {
			n := "nil chan"
			if c.Ch != nil {
				n = nm.name(c.Ch, w.cases[i])
			}
			if c.Send {
				parts = append(parts, "send on "+n)
			} else {
				parts = append(parts, "receive from "+n)
			}
		}
		if op.kind == KSelect {
			if len(parts) == 0 {
				return "select with no cases"
			}
			return "select: " + strings.Join(parts, ", ")
		}
		if len(parts) == 1 {
			return parts[0]
		}
	case KResume, KStart:
		return "runnable"
	}
	if name != "" {
		return op.kind.String() + " " + name
	}
	return op.kind.String()
}

func holderText(h int) string {
	switch h {
	case free:
		return "free"
	case outside:
		return "held outside the exploration"
	}
	return fmt.Sprintf("held by g%d", h)
}

// A traced run keeps its first headRows and its last tailRows steps: a
// report of a run of a million steps shows how it began and how it ended,
// not a million rows.
const (
	headRows = 2000
	tailRows = 3000
)

// addRow records a step of a traced run.
func (r *Run) addRow(rw row) {
	if len(r.rows) < headRows {
		r.rows = append(r.rows, rw)
		return
	}
	if len(r.tail) < tailRows {
		r.tail = append(r.tail, rw)
		return
	}
	r.tail[r.tailAt] = rw
	r.tailAt = (r.tailAt + 1) % tailRows
	r.omitted++
}

// keptRows returns the steps kept, in order.
func (r *Run) keptRows() []row {
	if len(r.tail) == 0 {
		return r.rows
	}
	out := append(slices.Clone(r.rows), r.tail[r.tailAt:]...)
	return append(out, r.tail[:r.tailAt]...)
}

// holdOf describes the run's longest hold, nil if none.
func (r *Run) holdOf() *Hold {
	hd := r.hold
	if hd.wait <= 0 {
		return nil
	}
	out := &Hold{G: hd.g, Wait: time.Duration(hd.wait), Since: time.Duration(hd.since), Step: hd.step, Late: time.Duration(hd.late)}
	where := func(g, step int) string {
		h := r.handleOf(g)
		if h == nil {
			return ""
		}
		pcs := h.final
		for _, l := range h.locs {
			if l.step > step {
				pcs = l.pcs
				break
			}
		}
		if f, ok := userFrame(pcs); ok {
			return fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
		}
		return ""
	}
	out.Where = where(hd.g, hd.step)
	t := hd.timer
	switch t.kind {
	case tSleep:
		out.Timer = fmt.Sprintf("g%d's sleep", t.g)
	case tFunc:
		out.Timer = "a time.AfterFunc"
	default:
		out.Timer = "a timer"
		if t.period > 0 {
			out.Timer = "a ticker"
		}
	}
	// Where the timer was started: a sleep's own step comes when it ends,
	// after the firing; a timer's, the last start or reset before it.
	origin := ""
	for _, rw := range r.keptRows() {
		switch {
		case t.kind == tSleep && rw.kind == KSleep && rw.g == t.g && rw.step > hd.step:
			origin = where(rw.g, rw.step-1)
		case t.kind != tSleep && (rw.kind == KTimerNew || rw.kind == KTimerReset) && rw.obj == t.key && rw.step < hd.step:
			origin = where(rw.g, rw.step-1)
			continue
		default:
			continue
		}
		break
	}
	if origin != "" {
		out.Timer += " started at " + origin
	}
	return out
}

// ourPackages are the packages whose frames a report skips: the user's
// code is the first frame outside them.
var ourPackages = map[string]bool{
	"github.com/interleave-go/interleave/harness":                   true,
	"github.com/interleave-go/interleave/harness/rt":                true,
	"github.com/interleave-go/interleave/harness/internal/engine":   true,
	"github.com/interleave-go/interleave/harness/internal/strategy": true,
	"runtime": true,
}

// funcPackage returns the import path of a function name as runtime.Frame
// reports it ("example.com/a/b.(*T).M" has package "example.com/a/b").
func funcPackage(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return fn
	}
	return fn[:slash+1+dot]
}

func userFrames(pcs []uintptr) []runtime.Frame {
	if len(pcs) == 0 {
		return nil
	}
	var out []runtime.Frame
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function != "" && !ourPackages[funcPackage(f.Function)] {
			out = append(out, f)
		}
		if !more {
			return out
		}
	}
}

func userFrame(pcs []uintptr) (runtime.Frame, bool) {
	fs := userFrames(pcs)
	if len(fs) == 0 {
		return runtime.Frame{}, false
	}
	return fs[0], true
}

func formatFrames(fs []runtime.Frame) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s(...)\n\t%s:%d\n", f.Function, f.File, f.Line)
	}
	return b.String()
}

// gName returns "g1 Transfer" for "g1": the goroutine and the function it
// runs, if known.
func (t *Trace) gName(g string) string {
	for _, gs := range t.Goroutines {
		if gs.Func != "" && g == fmt.Sprintf("g%d", gs.G) {
			return g + " " + gs.Func
		}
	}
	return g
}

// Format writes the trace as the rows of a report.
func (t *Trace) Format(b *strings.Builder) {
	fmt.Fprintf(b, "trace (%s, %s):\n", plural(len(t.Steps)+t.Omitted, "step"), plural(t.Preemptions(), "preemption"))
	timed := false
	for _, s := range t.Steps {
		timed = timed || s.Clock != 0
	}
	clock := func(d time.Duration) string {
		if !timed {
			return ""
		}
		return fmt.Sprintf(" %9s", "+"+d.String())
	}
	if timed {
		fmt.Fprintf(b, "  %5s %9s  %-5s %-22s %-22s %s\n", "step", "time", "g", "operation", "object", "location")
	} else {
		fmt.Fprintf(b, "  %5s  %-5s %-22s %-22s %s\n", "step", "g", "operation", "object", "location")
	}
	// A long trace shows its start and its end, where runs fail.
	const head, tail = 40, 120
	for i, s := range t.Steps {
		if len(t.Steps) > head+tail && i >= head && i < len(t.Steps)-tail {
			if i == head {
				fmt.Fprintf(b, "  ... %s not shown (interleave report draws the first %d and last %d) ...\n",
					plural(len(t.Steps)-head-tail+t.Omitted, "step"), headRows, tailRows)
			}
			continue
		}
		obj := s.Object
		if s.Op == "go" {
			obj = t.gName(s.Object)
		}
		if s.Partner >= 0 {
			obj += fmt.Sprintf(" (with g%d)", s.Partner)
		}
		loc := ""
		if s.File != "" {
			loc = fmt.Sprintf("%s:%d", filepath.Base(s.File), s.Line)
		}
		mark := " "
		if s.preempt {
			mark = "*"
		}
		who := fmt.Sprintf("g%d", s.G)
		if s.G == TimerG {
			who = "clock"
		}
		fmt.Fprintf(b, " %s%5d%s  %-5s %-22s %-22s %s\n", mark, s.Step, clock(s.Clock), who, s.Op, obj, loc)
	}
	b.WriteString("goroutines:\n")
	for _, g := range t.Goroutines {
		loc := ""
		if g.File != "" {
			loc = fmt.Sprintf(" at %s:%d", filepath.Base(g.File), g.Line)
		}
		fmt.Fprintf(b, "  %s: %s%s\n", t.gName(fmt.Sprintf("g%d", g.G)), g.State, loc)
		for _, line := range strings.Split(strings.TrimRight(g.Stack, "\n"), "\n") {
			if line != "" {
				fmt.Fprintf(b, "      %s\n", line)
			}
		}
	}
}
