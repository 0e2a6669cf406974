package report

import (
	"bufio"
	"errors"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// WriteHTML writes f as a self-contained HTML page. Its header says what
// failed, in which test, how the run was found, and gives the replay
// command line and the token. Its timeline has a lane per goroutine, and
// one for the clock if a timer fired: each step is a box in its
// goroutine's lane, a row a step, and a goroutine blocked at the end has a
// bar from its last step to the end saying what it waits for. The failing
// step is highlighted; for a failure charged to no goroutine, as a
// deadlock, so are the blocked goroutines. The goroutines' final states
// with their stacks, the log and the failure's details follow.
//
// The page loads nothing: its style is inline, it has no script, and its
// Content-Security-Policy forbids fetching anything, so it can be mailed
// or attached to an issue as it is. Its size is linear in the number of
// steps and goroutines.
func WriteHTML(w io.Writer, f *Finding) error {
	if f == nil {
		return errors.New("report: WriteHTML of a nil Finding")
	}
	bw := bufio.NewWriter(w)
	if err := pageTemplate.Execute(bw, newPage(f)); err != nil {
		return err
	}
	return bw.Flush()
}

// clockG is the lane of the steps no goroutine takes: timers firing.
const clockG = -1

// A page is what the template draws: the finding, and its steps laid out
// on a grid whose columns are the lanes and whose rows are the steps.
type page struct {
	F           *Finding
	Lanes       []*lane
	Index       []indexCell
	Rows        int // rows of the grid: the lanes' heads, a row a step, the end
	Timed       bool
	Preemptions int
	Failing     int // the step highlighted, 0 if none
	Goroutines  []gRow
}

// A lane is a goroutine's column.
type lane struct {
	G        int
	Name     string // "g1 Transfer", "g2", "clock"
	Summary  string // its final state in a word: "blocked", "returned"
	Hue      int
	Steps    []stepBox
	LifeFrom int // the grid lines between which it exists; 0: not drawn
	LifeTo   int
	Blocked  *blockedBar
	Final    *finalBox
}

// A stepBox is a step in its goroutine's lane.
type stepBox struct {
	Step, Row int
	Op        string
	Object    string
	Partner   string // "g2" for a rendezvous
	Loc       string // "file.go:12"
	Where     string // the full path and the function, for the tooltip
	Preempt   string // "" or what the step preempted
	Clock     string // virtual time after the step, if the clock moved in the run
	Failing   bool
}

// A blockedBar runs from after a blocked goroutine's last step to the end.
type blockedBar struct {
	G, From int
	State   string
	Loc     string
	Where   string
	Failing bool
}

// A finalBox ends the lane of a goroutine that is not blocked at the end.
type finalBox struct {
	G       int
	State   string
	Loc     string
	Where   string
	Failing bool
}

// An indexCell numbers a row of the timeline.
type indexCell struct {
	Step, Row int
	Clock     string
}

// A gRow is a goroutine in the table of final states.
type gRow struct {
	Name    string
	State   string
	Blocked bool
	Loc     string
	Where   string
	Stack   string
}

func newPage(f *Finding) *page {
	p := &page{F: f, Rows: len(f.Steps) + 2}
	end := len(f.Steps) + 2 // the row of the final states

	// The lanes: every goroutine the run mentions, in order, after the
	// clock's if a timer fired.
	seen := map[int]bool{}
	var ids []int
	add := func(g int) {
		if !seen[g] {
			seen[g] = true
			ids = append(ids, g)
		}
	}
	for _, s := range f.Steps {
		p.Timed = p.Timed || s.Clock != 0
		add(max(s.G, clockG))
	}
	for _, g := range f.Goroutines {
		add(g.G)
	}
	if f.FailG >= 0 {
		add(f.FailG)
	}
	sort.Ints(ids)
	funcs := map[int]string{} // the function each goroutine runs
	for _, g := range f.Goroutines {
		funcs[g.G] = g.Func
	}
	named := func(g int) string {
		if fn := funcs[g]; fn != "" {
			return gName(g) + " " + fn
		}
		return gName(g)
	}
	lanes := make(map[int]*lane, len(ids))
	for _, g := range ids {
		// Hues from blue on, away from the reds of failures and blocking.
		l := &lane{G: g, Name: named(g), Hue: 60 + (150+97*g)%230}
		if g == clockG {
			l.Name = "clock"
		}
		lanes[g] = l
		p.Lanes = append(p.Lanes, l)
	}

	failIdx := failingStep(f)
	if failIdx >= 0 {
		p.Failing = f.Steps[failIdx].Step
	}
	created := map[int]int{} // goroutine -> row of the step that started it
	for i, s := range f.Steps {
		row := i + 2
		b := stepBox{Step: s.Step, Row: row, Op: s.Op, Object: s.Object, Failing: i == failIdx}
		if s.Partner >= 0 && s.Partner != s.G {
			b.Partner = gName(s.Partner)
		}
		b.Loc, b.Where = location(s.File, s.Line, s.Func)
		if s.Preempt {
			b.Preempt = "preempt"
			if i > 0 && f.Steps[i-1].G != s.G {
				b.Preempt = "preempts " + laneName(f.Steps[i-1].G)
				p.Preemptions++
			}
		}
		if p.Timed {
			b.Clock = time.Duration(s.Clock).String()
		}
		if s.Op == "go" {
			if child, ok := strings.CutPrefix(s.Object, "g"); ok {
				if c, err := strconv.Atoi(child); err == nil {
					created[c] = row
					b.Object = named(c)
				}
			}
		}
		l := lanes[max(s.G, clockG)]
		l.Steps = append(l.Steps, b)
		p.Index = append(p.Index, indexCell{Step: s.Step, Row: row, Clock: b.Clock})
	}

	// How each goroutine ends: a bar from its last step to the end if it
	// is blocked, a box in the last row if not; and the dotted line that
	// says it exists, from its creation to its last step or its end.
	finals := map[int]Goroutine{}
	for _, g := range f.Goroutines {
		finals[g.G] = g
		loc, where := location(g.File, g.Line, "")
		p.Goroutines = append(p.Goroutines, gRow{Name: named(g.G), State: g.State, Blocked: g.Blocked, Loc: loc, Where: where, Stack: g.Stack})
	}
	for _, l := range p.Lanes {
		if l.G == clockG {
			continue
		}
		first, last := 0, 0 // rows of its first and last steps, 0 if none
		if len(l.Steps) > 0 {
			first, last = l.Steps[0].Row, l.Steps[len(l.Steps)-1].Row
		}
		if r, ok := created[l.G]; ok && (first == 0 || r < first) {
			first = r
		}
		lifeTo := max(first, last) + 1
		g, known := finals[l.G]
		loc, where := location(g.File, g.Line, "")
		switch {
		case g.Blocked:
			from := max(lifeTo, 2)
			l.Blocked = &blockedBar{G: l.G, From: from, State: g.State, Loc: loc, Where: where, Failing: f.FailG < 0 || l.G == f.FailG}
			l.Summary = "blocked"
		case known:
			l.Final = &finalBox{G: l.G, State: g.State, Loc: loc, Where: where, Failing: l.G == f.FailG && failIdx < 0}
			l.Summary = g.State
			if i := strings.IndexAny(g.State, ":,("); i > 0 {
				l.Summary = g.State[:i]
			}
			if !ended(g.State) {
				lifeTo = end
			}
		}
		if first > 0 && lifeTo-first >= 2 {
			l.LifeFrom, l.LifeTo = first, lifeTo
		}
	}
	return p
}

// failingStep returns the index of the step to highlight, -1 if none: the
// failing goroutine's step at the failure's step, or its last step before
// it, or its last step; with no goroutine to charge, the failure's step,
// or the last step before it, or the last step.
func failingStep(f *Finding) int {
	at, before, last := -1, -1, -1
	for i, s := range f.Steps {
		if f.FailG >= 0 && s.G != f.FailG {
			continue
		}
		last = i
		switch {
		case s.Step == f.FailStep:
			at = i
		case s.Step < f.FailStep:
			before = i
		}
	}
	for _, i := range []int{at, before, last} {
		if i >= 0 {
			return i
		}
	}
	return -1
}

// ended reports whether a final state is that of a goroutine that is gone.
func ended(state string) bool {
	for _, p := range []string{"returned", "panicked", "exited"} {
		if strings.HasPrefix(state, p) {
			return true
		}
	}
	return false
}

func gName(g int) string { return "g" + strconv.Itoa(g) }

func laneName(g int) string {
	if g < 0 {
		return "the clock"
	}
	return gName(g)
}

// location returns the short form of a source location and the long one
// for a tooltip.
func location(file string, line int, fn string) (short, long string) {
	if file == "" {
		return "", fn
	}
	short = fmt.Sprintf("%s:%d", filepath.Base(file), line)
	long = fmt.Sprintf("%s:%d", file, line)
	if fn != "" {
		long += "\n" + fn
	}
	return short, long
}

var pageTemplate = template.Must(template.New("finding").Parse(pageHTML))

// pageHTML is the page. The timeline is a CSS grid: a column a lane, a row a
// step; each lane is a subgrid spanning all the rows, so that it holds its
// own boxes and they still line up with the steps of the other lanes.
const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.F.Kind}}: {{.F.Test}} (interleave)</title>
<style>
:root { --fail: #c8102e; --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; }
body { margin: 1.25rem 1.5rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1f2328; background: #fff; }
h1 { font-size: 1.3rem; margin: 0 0 .4rem; font-weight: 600; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
code, pre { font-family: var(--mono); font-size: 12.5px; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.kind { display: inline-block; padding: 0 .45em; border-radius: 4px; background: var(--fail); color: #fff; font-size: .95rem; vertical-align: 1px; }
header p { margin: .15rem 0; color: #3d444d; }
header .test code { color: #1f2328; font-weight: 600; }
pre.replay { margin: .5rem 0 .3rem; padding: .45rem .7rem; background: #f3f4f6; border: 1px solid #d8dce0; border-radius: 4px; user-select: all; white-space: pre; overflow-x: auto; }
.summary { margin: 1rem 0 .4rem; color: #3d444d; }
.summary a { color: var(--fail); }
.legend { display: inline-flex; gap: .8rem; margin-left: 1rem; font-size: 12px; color: #59636e; }
.legend span::before { content: ""; display: inline-block; width: .9em; height: .9em; margin-right: .3em; vertical-align: -1px; border-radius: 2px; }
.legend .l-step::before { background: #e8f0fe; border: 1px solid #7d9bd6; }
.legend .l-blocked::before { background: repeating-linear-gradient(135deg, #f6c9c9 0 3px, #fff1f1 3px 6px); border: 1px solid #c55; }
.legend .l-failing::before { background: #ffe3e6; outline: 2px solid var(--fail); }
.step:target { outline: 2px solid #0969da; outline-offset: 1px; }
.legend .l-preempt::before { background: #fff; border: 1px dashed #d9822b; }
.timeline { display: grid; grid-template-columns: max-content repeat(var(--lanes), minmax(11.5rem, 1fr)); grid-template-rows: repeat(var(--rows), auto); max-height: 85vh; overflow: auto; border: 1px solid #d0d7de; border-radius: 4px; background: #fff; }
.lane, .index { display: grid; grid-row: 1 / -1; grid-template-rows: subgrid; grid-template-columns: minmax(0, 1fr); position: relative; }
.lane { border-left: 1px solid #e6e8eb; }
.lane > *, .index > * { grid-column: 1; }
.index { position: sticky; left: 0; z-index: 3; background: #fafbfc; border-right: 1px solid #d0d7de; }
.head { grid-row: 1; position: sticky; top: 0; z-index: 2; padding: .3rem .6rem; background: #f6f8fa; border-bottom: 1px solid #d0d7de; font-weight: 600; white-space: nowrap; }
.head small { font-weight: normal; color: #59636e; margin-left: .4em; }
.lane[data-g="-1"] .head { font-style: italic; }
.lane[data-g="-1"] .step { border-color: #afb8c1; border-left-color: #6e7781; background: #f6f8fa; }
.idx { padding: 4px .6rem; text-align: right; font: 11px/1.4 var(--mono); color: #8c959f; align-self: center; }
.idx .t { display: block; color: #0969da; }
.life { justify-self: center; width: 0; border-left: 2px dotted hsl(var(--h) 25% 78%); }
.step, .blocked, .final { position: relative; z-index: 1; margin: 2px 5px; padding: 2px 6px; border-radius: 4px; font: 12px/1.35 var(--mono); overflow-wrap: anywhere; min-width: 0; }
.step { display: flex; flex-wrap: wrap; align-items: baseline; column-gap: .45em; border: 1px solid hsl(var(--h) 45% 62%); border-left: 4px solid hsl(var(--h) 55% 48%); background: hsl(var(--h) 75% 96%); }
.step .n { color: #8c959f; }
.step .op { font-weight: 700; }
.step .partner { color: #6639ba; }
.step span.loc { margin-left: auto; }
span.loc { display: block; color: #59636e; font-size: 11px; }
.step.preempt { border-top: 2px dashed #d9822b; }
.pre { padding: 0 .3em; border-radius: 3px; background: #fff1e0; color: #9a5a14; font-size: 10.5px; }
.blocked { align-self: stretch; border: 1px solid #cf4c4c; border-left: 4px solid #b42323; color: #82071e; background: repeating-linear-gradient(135deg, #fbd9d9 0 6px, #fff3f3 6px 12px); }
.blocked .label { position: sticky; top: 2.2rem; display: block; background: rgba(255, 255, 255, .85); padding: 1px 4px; border-radius: 3px; }
.final { align-self: start; border: 1px dashed #afb8c1; color: #59636e; background: #fafbfc; }
.step.failing { background: #ffe3e6; box-shadow: 0 0 0 2px var(--fail), 0 0 8px 2px rgba(200, 16, 46, .35); }
.blocked.failing, .final.failing { box-shadow: 0 0 0 2px var(--fail); }
.failing .n { color: var(--fail); font-weight: 700; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid #e6e8eb; }
th { background: #f6f8fa; font-weight: 600; }
td.g { font-family: var(--mono); font-weight: 600; white-space: nowrap; }
tr.is-blocked td.state { color: #82071e; }
td.state, td.loc { font-family: var(--mono); font-size: 12.5px; }
td pre { color: #3d444d; }
ol.log { margin: 0; padding: 0; list-style: none; font: 12.5px/1.5 var(--mono); }
ol.log li { padding: 1px .6rem; border-left: 3px solid transparent; white-space: pre-wrap; }
ol.log .who { color: #8c959f; margin-right: .6em; }
ol.log li.error { border-left-color: var(--fail); background: #fff5f6; color: #82071e; font-weight: 700; }
pre.details { padding: .5rem .7rem; background: #f6f8fa; border: 1px solid #d8dce0; border-radius: 4px; }
</style>
</head>
<body>
<header>
<h1><span class="kind">{{.F.Kind}}</span> <span class="message">{{.F.Message}}</span></h1>
<p class="test"><code>{{.F.Test}}</code> in <code>{{.F.Package}}</code></p>
{{- with .F.Found}}
<p class="found">found in {{.}}</p>
{{- end}}
{{- if not .F.Time.IsZero}}
<p class="time">on {{.F.Time.UTC.Format "2006-01-02 15:04:05 UTC"}}</p>
{{- end}}
{{- with .F.Replay}}
<pre class="replay" title="replays the run"><code>{{.}}</code></pre>
{{- end}}
<p class="token">token <code>{{.F.Token}}</code></p>
</header>

<p class="summary">{{len .F.Steps}} steps, {{.Preemptions}} preemption{{if ne .Preemptions 1}}s{{end}}, {{len .F.Goroutines}} goroutines{{if .Failing}}; failed at <a href="#step-{{.Failing}}">step {{.Failing}}</a>{{end}}
<span class="legend"><span class="l-step">step</span><span class="l-preempt">preemption</span><span class="l-blocked">blocked to the end</span><span class="l-failing">failure</span></span></p>

<div class="timeline" id="timeline" style="--lanes: {{len .Lanes}}; --rows: {{.Rows}}">
<div class="index">
<div class="head">step{{if .Timed}} / time{{end}}</div>
{{- range .Index}}
<div class="idx" style="grid-row: {{.Row}}">{{.Step}}{{with .Clock}}<span class="t">+{{.}}</span>{{end}}</div>
{{- end}}
<div class="idx" style="grid-row: {{$.Rows}}">end</div>
</div>
{{- range .Lanes}}
<div class="lane" data-g="{{.G}}" style="--h: {{.Hue}}">
<div class="head">{{.Name}}{{with .Summary}}<small>{{.}}</small>{{end}}</div>
{{- if .LifeFrom}}
<div class="life" style="grid-row: {{.LifeFrom}} / {{.LifeTo}}"></div>
{{- end}}
{{- range .Steps}}
<div class="step{{if .Preempt}} preempt{{end}}{{if .Failing}} failing{{end}}" id="step-{{.Step}}" data-step="{{.Step}}" style="grid-row: {{.Row}}"{{with .Where}} title="{{.}}"{{end}}><span class="n">{{.Step}}</span><span class="op">{{.Op}}</span>{{with .Object}} <span class="obj">{{.}}</span>{{end}}{{with .Partner}} <span class="partner">with {{.}}</span>{{end}}{{with .Preempt}} <span class="pre">{{.}}</span>{{end}}{{with .Loc}}<span class="loc">{{.}}</span>{{end}}</div>
{{- end}}
{{- with .Blocked}}
<div class="blocked{{if .Failing}} failing{{end}}" id="blocked-g{{.G}}" data-g="{{.G}}" style="grid-row: {{.From}} / -1"{{with .Where}} title="{{.}}"{{end}}><span class="label">{{.State}}{{with .Loc}}<span class="loc">{{.}}</span>{{end}}</span></div>
{{- end}}
{{- with .Final}}
<div class="final{{if .Failing}} failing{{end}}" data-g="{{.G}}" style="grid-row: -2 / -1"{{with .Where}} title="{{.}}"{{end}}>{{.State}}{{with .Loc}}<span class="loc">{{.}}</span>{{end}}</div>
{{- end}}
</div>
{{- end}}
</div>

{{- with .Goroutines}}
<h2>Goroutines</h2>
<table class="goroutines">
<thead><tr><th>G</th><th>state</th><th>location</th><th>stack</th></tr></thead>
<tbody>
{{- range .}}
<tr{{if .Blocked}} class="is-blocked"{{end}}><td class="g">{{.Name}}</td><td class="state">{{.State}}</td><td class="loc"{{with .Where}} title="{{.}}"{{end}}>{{.Loc}}</td><td>{{with .Stack}}<pre>{{.}}</pre>{{end}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}

{{- with .F.Log}}
<h2>Log</h2>
<ol class="log">
{{- range .}}
<li{{if .Error}} class="error"{{end}}><span class="who">{{if lt .G 0}}test{{else}}g{{.G}}{{end}}</span>{{.Text}}</li>
{{- end}}
</ol>
{{- end}}

{{- with .F.Details}}
<h2>Details</h2>
<pre class="details">{{.}}</pre>
{{- end}}
</body>
</html>
`
