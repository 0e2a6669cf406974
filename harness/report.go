package harness

import (
	"fmt"
	"strings"
	"time"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// timing says what a failing schedule assumes of the scheduler: a
// goroutine that could go on waited for its turn while the clock moved.
func timing(h *engine.Hold, latency time.Duration) string {
	at := ""
	if h.Where != "" {
		at = " at " + h.Where
	}
	this := "the automatic latency"
	if latency >= 0 {
		this = "-latency=" + latency.String()
	}
	what := fmt.Sprintf("g%d, able to go on%s from +%v, to wait %v for its turn", h.G, at, h.Since, h.Wait)
	kind := fmt.Sprintf("Code that may assume a runnable goroutine runs within %v has a timing assumption here, not a logic bug", h.Wait)
	if h.Late > 0 {
		what = fmt.Sprintf("the %v wait of g%d to end %v late (at +%v; it goes on%s)", h.Late, h.G, h.Wait, h.Since+h.Wait, at)
		kind = fmt.Sprintf("A sleep or timer of %v standing for work that may take %v longer is what this finding is about; if nothing it stands for can, it is a timing assumption", h.Late, h.Wait)
	}
	return fmt.Sprintf("timing: needs %s while %s fired (step %d); no run takes this schedule with -latency=%v or less (this one: %s). %s",
		what, h.Timer, h.Step, h.Wait, this, kind)
}

// headline splits a failure's message into the line a report opens with
// and, for a message that opens with a blank line (testify's), the whole
// message to print after it. The line is the first that is not blank; in
// testify's layout (a blank line, "Error Trace:", then "Error: Not equal:
// ..."), what follows "Error:". Any other message opens the report as it
// is.
func headline(msg string) (head, rest string) {
	if first, _, _ := strings.Cut(msg, "\n"); !strings.Contains(msg, "\n") || strings.TrimSpace(first) != "" {
		return msg, "" // one line, or one that opens with what broke: as it is
	}
	rest = strings.TrimRight(msg, "\n")
	lines := strings.Split(msg, "\n")
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if e, ok := strings.CutPrefix(line, "Error:"); ok && strings.TrimSpace(e) != "" {
			head = strings.TrimSpace(e)
			// testify continues the line on the next ones, indented
			// under it ("Received unexpected error:" and the error,
			// "Not equal:", "expected: 2", "actual  : 0"), up to the
			// next label ("Test:", "Messages:").
			for _, more := range lines[i+1:] {
				more = strings.TrimSpace(more)
				if more == "" || len(head) > 200 || isLabel(more) {
					break
				}
				head += " " + more
			}
			return head, rest
		}
		if head == "" {
			head = line
		}
	}
	return head, rest
}

// isLabel reports whether a line of testify's layout starts a field of
// its own: "Test:", "Messages:", "Diff:", "Error Trace:".
func isLabel(line string) bool {
	name, _, ok := strings.Cut(line, ":")
	if !ok || name == "" || strings.ContainsAny(name, " \t") && name != "Error Trace" {
		return false
	}
	return name[0] >= 'A' && name[0] <= 'Z'
}

// formatReport renders a failure: what broke in one line, then where the
// run was found, the trace, the goroutines, the test's log, and the line
// that replays it.
func formatReport(f *engine.Failure, res *engine.Result, where, replay string, latency time.Duration) string {
	var b strings.Builder
	head, rest := headline(f.Message)
	fmt.Fprintf(&b, "interleave: %s: %s\n", f.Kind, head)
	if h := res.Hold; h != nil {
		fmt.Fprintf(&b, "%s\n", timing(h, latency))
	}
	fmt.Fprintf(&b, "found in %s\n", where)
	if rest != "" {
		b.WriteString("\n")
		b.WriteString(rest)
		b.WriteString("\n")
	}
	if f.Details != "" {
		b.WriteString("\n")
		b.WriteString(strings.TrimRight(f.Details, "\n"))
		b.WriteString("\n")
	}
	if res.Trace != nil {
		b.WriteString("\n")
		res.Trace.Format(&b)
	}
	if len(res.Messages) > 0 {
		b.WriteString("\nlog:\n")
		for _, m := range res.Messages {
			who := "  "
			if m.G >= 0 {
				who = fmt.Sprintf("  g%d: ", m.G)
			}
			fmt.Fprintf(&b, "%s%s\n", who, m.Text)
		}
	}
	fmt.Fprintf(&b, "\nreplay: %s\n", replay)
	return b.String()
}
