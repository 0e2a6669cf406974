package report_test

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/interleave-go/interleave/harness/report"
)

func TestWriteHTMLDeadlock(t *testing.T) {
	t.Parallel()
	f, err := report.ReadFile("testdata/deadlock.json")
	require.NoError(t, err)
	page := render(t, f)

	has(t, page, `<span class="kind">deadlock</span> <span class="message">all goroutines are blocked</span>`)
	has(t, page, "<code>TestTransfersBothWays</code> in <code>github.com/interleave-go/interleave/examples/accounts</code>")
	has(t, page, "found in run 4 of 1000, portfolio(")
	has(t, page, `<pre class="replay" title="replays the run"><code>`+template.HTMLEscapeString(f.Replay)+`</code></pre>`)
	has(t, page, "<code>"+f.Token+"</code>")
	has(t, page, "8 steps, 1 preemption, 3 goroutines; failed at")

	assert.Equal(t, []string{"0", "1", "2"}, laneIDs(page), "lanes")
	for _, g := range f.Goroutines {
		lane := element(t, page, fmt.Sprintf(`class="lane" data-g="%d"`, g.G))
		blocked := element(t, lane, `class="blocked`)
		has(t, blocked, `class="blocked failing"`, "g%d: a deadlock's blocked goroutines are highlighted", g.G)
		has(t, blocked, template.HTMLEscapeString(g.State), "g%d: blocked box", g.G)
		has(t, blocked, `<span class="loc">`+fmt.Sprintf("%s:%d", baseName(g.File), g.Line), "g%d: blocked box", g.G)
		has(t, blocked, `title="`+g.File, "g%d: blocked box", g.G)
	}
	// The bars run from after each goroutine's last step (g0: 4, g1: 6,
	// g2: 8; row = step+1) to the end.
	for g, from := range map[int]int{0: 6, 1: 8, 2: 10} {
		has(t, element(t, page, fmt.Sprintf(`id="blocked-g%d"`, g)), fmt.Sprintf(`style="grid-row: %d / -1"`, from), "g%d's blocked bar", g)
	}

	// Every step is in its goroutine's lane, in its row.
	for _, s := range f.Steps {
		lane := element(t, page, fmt.Sprintf(`class="lane" data-g="%d"`, s.G))
		box := element(t, lane, fmt.Sprintf(`data-step="%d"`, s.Step))
		has(t, box, fmt.Sprintf(`style="grid-row: %d"`, s.Step+1), "step %d", s.Step)
		want := fmt.Sprintf(`<span class="n">%d</span><span class="op">%s</span>`, s.Step, s.Op)
		obj := s.Object
		if s.Op == "go" {
			obj += " Transfer" // the goroutine made, and the function it runs
		}
		if obj != "" {
			want += ` <span class="obj">` + obj + `</span>`
		}
		has(t, box, want, "step %d", s.Step)
		if s.File != "" {
			has(t, box, fmt.Sprintf(`<span class="loc">%s:%d</span>`, baseName(s.File), s.Line), "step %d", s.Step)
			has(t, box, fmt.Sprintf("title=\"%s:%d\n%s\"", s.File, s.Line, s.Func), "step %d", s.Step)
		}
	}
	has(t, element(t, page, `data-step="7"`), `class="step preempt"`)
	has(t, element(t, page, `data-step="7"`), `<span class="pre">preempts g1</span>`)
	assert.Equal(t, []string{"8"}, failingSteps(page), "failing steps")

	// No time column: the clock never moved.
	hasNot(t, page, `class="t"`)
	has(t, page, "<pre>"+template.HTMLEscapeString(f.Goroutines[1].Stack)+"</pre>")
	assert.Equal(t, 3, strings.Count(page, `<tr class="is-blocked">`), "blocked goroutines in the table")
	selfContained(t, page)
	wellFormed(t, page)
}

// TestWriteHTMLFailing checks which boxes a finding highlights, and the
// clock's lane, on findings built by hand.
func TestWriteHTMLFailing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		f           *report.Finding
		lanes       []string
		failing     []string // steps
		failBlocked []string // goroutines whose blocked bar is highlighted
		blocked     []string // goroutines with a blocked bar
	}{
		{"panic", panicFinding(), []string{"0", "1"}, []string{"6"}, nil, []string{"0"}},
		{"timer", timerFinding(), []string{"-1", "0", "1"}, []string{"8"}, nil, nil},
		{"leak", leakFinding(), []string{"0", "1", "2"}, []string{"3"}, []string{"1", "2"}, []string{"1", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page := render(t, tt.f)
			assert.Equal(t, tt.lanes, laneIDs(page), "lanes")
			assert.Equal(t, tt.failing, failingSteps(page), "failing steps")
			assert.Equal(t, tt.failBlocked, attrs(page, `<div class="blocked failing" id="[^"]*" data-g="([^"]*)"`), "highlighted blocked bars")
			assert.Equal(t, tt.blocked, attrs(page, `<div class="blocked[^"]*" id="[^"]*" data-g="([^"]*)"`), "blocked bars")
			selfContained(t, page)
			wellFormed(t, page)
		})
	}
}

func TestWriteHTMLEscapes(t *testing.T) {
	t.Parallel()
	page := render(t, panicFinding())
	hasNot(t, page, "<script")
	hasNot(t, page, "<tag>")
	has(t, page, `<li class="error"><span class="who">g1</span>about to &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; fail</li>`)
	has(t, page, `<li><span class="who">test</span>setup done</li>`)
	has(t, page, `<pre class="details">goroutine 7 [running]:`+"\n"+`main.f(&lt;tag&gt;)`)
	has(t, page, `<span class="partner">with g0</span>`)
	has(t, element(t, page, `class="lane" data-g="1"`), `<div class="final" data-g="1" style="grid-row: -2 / -1">panicked: index out of range [3] with length 3</div>`)
}

func TestWriteHTMLClock(t *testing.T) {
	t.Parallel()
	page := render(t, timerFinding())
	clock := element(t, page, `class="lane" data-g="-1"`)
	has(t, clock, `<div class="head">clock</div>`)
	assert.Equal(t, 2, strings.Count(clock, `class="step"`), "steps in the clock's lane")
	has(t, clock, `<span class="op">timer fires</span> <span class="obj">sleep of g0</span>`)
	has(t, page, `<div class="head">step / time</div>`)
	has(t, page, `<div class="idx" style="grid-row: 7">6<span class="t">+10ms</span></div>`)
	has(t, page, `<div class="idx" style="grid-row: 2">1<span class="t">+0s</span></div>`)
	has(t, element(t, page, `class="lane" data-g="1"`), `<div class="final" data-g="1" style="grid-row: -2 / -1">runnable, about to Resume</div>`)
}

// TestWriteHTMLLarge checks that the page of a long run grows with the run
// and no faster.
func TestWriteHTMLLarge(t *testing.T) {
	t.Parallel()
	f := largeFinding(20, 5000)
	page := render(t, f)
	assert.Len(t, laneIDs(page), 20, "lanes")
	assert.Equal(t, 5000, strings.Count(page, `<div class="step`), "step boxes")
	if perStep := len(page) / len(f.Steps); perStep > 600 {
		t.Errorf("page of %d steps: %d bytes, %d a step, want at most 600", len(f.Steps), len(page), perStep)
	}
	wellFormed(t, page)
}

func TestWriteHTMLNil(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	assert.Error(t, report.WriteHTML(&b, nil))
}

func BenchmarkWriteHTML(b *testing.B) {
	f := largeFinding(20, 5000)
	var out strings.Builder
	for b.Loop() {
		out.Reset()
		if err := report.WriteHTML(&out, f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Len())/float64(len(f.Steps)), "bytes/step")
}

func render(t *testing.T, f *report.Finding) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, report.WriteHTML(&b, f))
	return b.String()
}

// panicFinding is a panic in g1 while g0 waits on a channel, with a log and
// details that need escaping.
func panicFinding() *report.Finding {
	return &report.Finding{
		Version: report.Version, Package: "example.com/p", Test: "TestPanic",
		Kind: "panic", Message: "index out of range [3] with length 3 (in g1)",
		Token: "AQtok", Replay: "interleave test -run '^TestPanic$' -replay AQtok ./p",
		Found: "run 1 of 100", Details: "goroutine 7 [running]:\nmain.f(<tag>)\n",
		FailG: 1, FailStep: 6,
		Steps: []report.Step{
			{Step: 1, G: 0, Op: "start", Partner: -1},
			{Step: 2, G: 0, Op: "go", Object: "g1", File: "/src/p/p_test.go", Line: 10, Func: "p.TestPanic", Partner: -1},
			{Step: 3, G: 1, Op: "start", File: "/src/p/p_test.go", Line: 10, Func: "p.TestPanic.func1", Partner: -1, Preempt: true},
			{Step: 4, G: 1, Op: "send", Object: "chan int#1", File: "/src/p/p.go", Line: 5, Func: "p.f", Partner: 0},
			{Step: 5, G: 0, Op: "receive", Object: "chan int#1", File: "/src/p/p_test.go", Line: 11, Func: "p.TestPanic", Partner: 1},
			{Step: 6, G: 1, Op: "Load", Object: "atomic.Int64#1", File: "/src/p/p.go", Line: 6, Func: "p.f", Partner: -1},
		},
		Goroutines: []report.Goroutine{
			{G: 0, State: "blocked: receive from chan int#2", Blocked: true, File: "/src/p/p_test.go", Line: 12, Stack: "p.TestPanic(...)\n\t/src/p/p_test.go:12\n"},
			{G: 1, State: "panicked: index out of range [3] with length 3"},
		},
		Log: []report.LogLine{
			{G: -1, Text: "setup done"},
			{G: 1, Text: `about to <script>alert("x")</script> & fail`, Error: true},
		},
	}
}

// timerFinding is an assertion in g0 after timers fired; its failure's
// step is one of g1's, so g0's last step before it is highlighted.
func timerFinding() *report.Finding {
	return &report.Finding{
		Version: report.Version, Package: "example.com/p", Test: "TestTimer",
		Kind: "assertion", Message: "count = 1, want 2",
		Token: "AQtimer", Replay: "interleave test -run '^TestTimer$' -replay AQtimer ./p",
		FailG: 0, FailStep: 9,
		Steps: []report.Step{
			{Step: 1, G: 0, Op: "start", Partner: -1},
			{Step: 2, G: 0, Op: "go", Object: "g1", Partner: -1},
			{Step: 3, G: 1, Op: "start", Partner: -1},
			{Step: 4, G: 1, Op: "Sleep", Partner: -1},
			{Step: 5, G: 0, Op: "Sleep", Partner: -1},
			{Step: 6, G: -1, Op: "timer fires", Object: "sleep of g0", Partner: -1, Clock: 10e6},
			{Step: 7, G: -1, Op: "timer fires", Object: "sleep of g1", Partner: -1, Clock: 1e9},
			{Step: 8, G: 0, Op: "Load", Object: "atomic.Int64#1", Partner: -1, Clock: 1e9},
			{Step: 9, G: 1, Op: "Add", Object: "atomic.Int64#1", Partner: -1, Clock: 1e9},
		},
		Goroutines: []report.Goroutine{
			{G: 0, State: "returned"},
			{G: 1, State: "runnable, about to Resume"},
		},
		Log: []report.LogLine{{G: 0, Text: "count = 1, want 2", Error: true}},
	}
}

// leakFinding is a leak charged to no goroutine: g1 and g2 are blocked
// when g0 returns.
func leakFinding() *report.Finding {
	return &report.Finding{
		Version: report.Version, Package: "example.com/p", Test: "TestLeak",
		Kind: "leak", Message: "2 goroutines still blocked when the test returned",
		Token: "AQleak", Replay: "interleave test -run '^TestLeak$' -replay AQleak ./p",
		FailG: -1, FailStep: 3,
		Steps: []report.Step{
			{Step: 1, G: 0, Op: "start", Partner: -1},
			{Step: 2, G: 0, Op: "go", Object: "g1", Partner: -1},
			{Step: 3, G: 0, Op: "go", Object: "g2", Partner: -1},
		},
		Goroutines: []report.Goroutine{
			{G: 0, State: "returned"},
			{G: 1, State: "blocked: send on chan int#1", Blocked: true},
			{G: 2, State: "blocked: receive from chan int#2", Blocked: true},
		},
	}
}

// largeFinding is a run of n goroutines and steps steps, goroutines taking
// turns, all blocked at the end.
func largeFinding(n, steps int) *report.Finding {
	f := &report.Finding{
		Version: report.Version, Package: "example.com/p", Test: "TestLarge",
		Kind: "deadlock", Message: "all goroutines are blocked", Token: "AQlarge",
		FailG: -1, FailStep: steps,
	}
	for i := 1; i <= steps; i++ {
		g := (i / 7) % n
		f.Steps = append(f.Steps, report.Step{Step: i, G: g, Op: "Lock", Object: fmt.Sprintf("sync.Mutex#%d", i%5),
			File: "/src/p/p.go", Line: i % 100, Func: "p.f", Partner: -1, Preempt: i%7 == 0})
	}
	for g := range n {
		f.Goroutines = append(f.Goroutines, report.Goroutine{G: g, State: fmt.Sprintf("blocked: Lock sync.Mutex#%d (held by g%d)", g%5, (g+1)%n), Blocked: true,
			File: "/src/p/p.go", Line: 20, Stack: "p.f(...)\n\t/src/p/p.go:20\n"})
	}
	return f
}

// laneIDs returns the data-g of the page's lanes, in order.
func laneIDs(page string) []string { return attrs(page, `<div class="lane" data-g="([^"]*)"`) }

// failingSteps returns the steps highlighted.
func failingSteps(page string) []string {
	return attrs(page, `<div class="step[^"]* failing" id="[^"]*" data-step="([^"]*)"`)
}

// attrs returns the first group of each match of re in page.
func attrs(page, re string) []string {
	var out []string
	for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// element returns the element whose start tag holds marker, up to its end
// tag.
func element(t *testing.T, page, marker string) string {
	t.Helper()
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatalf("no element with %s", marker)
	}
	start := strings.LastIndexByte(page[:i], '<')
	name := page[start+1:]
	name = name[:strings.IndexAny(name, " >")]
	depth := 0
	for j := start; j < len(page); {
		k := strings.IndexByte(page[j:], '<')
		if k < 0 {
			break
		}
		j += k
		switch {
		case strings.HasPrefix(page[j:], "</"+name+">"):
			depth--
			j += len(name) + 3
			if depth == 0 {
				return page[start:j]
			}
			continue
		case strings.HasPrefix(page[j:], "<"+name+" "), strings.HasPrefix(page[j:], "<"+name+">"):
			depth++
		}
		j++
	}
	t.Fatalf("element with %s does not end", marker)
	return ""
}

// selfContained checks that the page refers to nothing on the network.
func selfContained(t *testing.T, page string) {
	t.Helper()
	for _, s := range []string{"http://", "https://", "<script", "<link", "<img", "<iframe", "url("} {
		hasNot(t, page, s, "the page must be self-contained")
	}
	has(t, page, `content="default-src 'none'; style-src 'unsafe-inline'"`)
}

// voidElements have no end tag.
var voidElements = map[string]bool{"meta": true, "br": true, "hr": true, "img": true, "input": true, "link": true, "col": true, "wbr": true}

// wellFormed checks that every element of the page ends, in order, and
// that text holds no stray '<' or '>': what the HTML parser needs to build
// the tree the page means rather than one it guesses.
func wellFormed(t *testing.T, page string) {
	t.Helper()
	require.True(t, strings.HasPrefix(page, "<!DOCTYPE html>\n"), "doctype")
	var open []string
	rest := page[len("<!DOCTYPE html>\n"):]
	line := func() int { return strings.Count(page[:len(page)-len(rest)], "\n") + 1 }
	for rest != "" {
		lt := strings.IndexByte(rest, '<')
		if lt < 0 {
			lt = len(rest)
		}
		text := rest[:lt]
		if len(open) == 0 || open[len(open)-1] != "style" {
			if strings.Contains(text, ">") {
				t.Fatalf("line %d: '>' in text %q", line(), text)
			}
		}
		rest = rest[lt:]
		if rest == "" {
			break
		}
		gt := strings.IndexByte(rest, '>')
		if gt < 0 {
			t.Fatalf("line %d: tag does not end", line())
		}
		tag := rest[1:gt]
		rest = rest[gt+1:]
		if strings.ContainsAny(tag, "<") {
			t.Fatalf("line %d: '<' in tag %q", line(), tag)
		}
		if name, ok := strings.CutPrefix(tag, "/"); ok {
			if len(open) == 0 || open[len(open)-1] != name {
				t.Fatalf("line %d: </%s> closes %v", line(), name, open)
			}
			open = open[:len(open)-1]
			continue
		}
		name, _, _ := strings.Cut(tag, " ")
		if !voidElements[name] {
			open = append(open, name)
		}
	}
	assert.Empty(t, open, "elements left open")
}

// has checks that s contains want, without printing all of s if not.
func has(t *testing.T, s, want string, msgAndArgs ...any) {
	t.Helper()
	if !strings.Contains(s, want) {
		t.Errorf("%sno %q in %.200q...", msgPrefix(msgAndArgs), want, s)
	}
}

// hasNot checks that s does not contain bad.
func hasNot(t *testing.T, s, bad string, msgAndArgs ...any) {
	t.Helper()
	if i := strings.Index(s, bad); i >= 0 {
		t.Errorf("%s%q at %d: %q", msgPrefix(msgAndArgs), bad, i, s[max(0, i-100):min(len(s), i+100)])
	}
}

func msgPrefix(msgAndArgs []any) string {
	if len(msgAndArgs) == 0 {
		return ""
	}
	return fmt.Sprintf(msgAndArgs[0].(string), msgAndArgs[1:]...) + ": "
}

func baseName(path string) string { return path[strings.LastIndexByte(path, '/')+1:] }
