package harness

import (
	"fmt"
	"strings"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// formatReport renders a failure: what broke in one line, then where the
// run was found, the trace, the goroutines, the test's log, and the line
// that replays it.
func formatReport(f *engine.Failure, res *engine.Result, where, replay string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "interleave: %s: %s\n", f.Kind, f.Message)
	fmt.Fprintf(&b, "found in %s\n", where)
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
