package models

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/anishathalye/porcupine"
)

// A LinearizabilityError is the outcome of a linearizability check that
// did not find the history linearizable: Illegal, when no order of the
// operations that respects their real-time order is a history the model
// allows, or Unknown, when the check ran out of its time budget.
type LinearizabilityError struct {
	Result        porcupine.CheckResult // porcupine.Illegal or porcupine.Unknown
	Model         string                // the model's name
	Operations    int                   // how many were checked
	History       string                // the operations by goroutine, one a line
	Accepted      string                // for Illegal: the longest order the model accepts
	Visualization string                // for Illegal: porcupine's HTML page of the history, "" if none was written
	NotWritten    error                 // why the visualization was not written
}

// Error says what the check found in one line, then shows the history,
// the longest order the model accepts and the visualization's path.
func (e *LinearizabilityError) Error() string {
	var b strings.Builder
	if e.Result == porcupine.Unknown {
		fmt.Fprintf(&b, "linearizability unknown: the check of %s against the %s model ran out of its time budget (models.Timeout raises it)\n",
			plural(e.Operations, "operation"), e.Model)
	} else {
		fmt.Fprintf(&b, "not linearizable: no order of these %s that respects their real-time order is a history of the %s model\n",
			plural(e.Operations, "operation"), e.Model)
	}
	b.WriteString(e.History)
	if e.Accepted != "" {
		fmt.Fprintf(&b, "the longest order the model accepts: %s\n", e.Accepted)
	}
	switch {
	case e.Visualization != "":
		fmt.Fprintf(&b, "visualization: %s", e.Visualization)
	case e.NotWritten != nil:
		fmt.Fprintf(&b, "visualization not written: %v", e.NotWritten)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// check checks h against m.
func check(m Model, h hist, c config) error {
	result, info := porcupine.CheckOperationsVerbose(m.Model, h.ops, c.timeout)
	if result == porcupine.Ok {
		return nil
	}
	e := &LinearizabilityError{Result: result, Model: m.Name, Operations: len(h.ops), History: formatHistory(m, h)}
	if result != porcupine.Illegal {
		return e
	}
	e.Accepted = accepted(m, h.ops, info)
	path, err := visualize(m, info, c, e.History)
	if err != nil {
		e.NotWritten = err
	} else {
		e.Visualization = path
	}
	return e
}

// formatHistory shows a history by goroutine, each operation with its
// interval on the logical clock.
func formatHistory(m Model, h hist) string {
	desc := m.DescribeOperation
	if desc == nil {
		desc = func(in, out any) string { return fmt.Sprintf("%v → %v", in, out) }
	}
	type line struct {
		g    int
		call int64
		text string
	}
	var lines []line
	for i, op := range h.ops {
		lines = append(lines, line{h.gs[i], op.Call, fmt.Sprintf("[%d, %d] %s", op.Call, op.Return, desc(op.Input, op.Output))})
	}
	for _, op := range h.pending {
		lines = append(lines, line{op.g, op.call, fmt.Sprintf("[%d, -] %v → has not returned, left out", op.call, op.input)})
	}
	slices.SortStableFunc(lines, func(a, b line) int {
		if a.g != b.g {
			return a.g - b.g
		}
		return int(a.call - b.call)
	})
	var b strings.Builder
	b.WriteString("history by goroutine, [call, return] on a logical clock:\n")
	for i, l := range lines {
		who := ""
		if i == 0 || lines[i-1].g != l.g {
			who = gname(l.g) + ":"
			if l.g < 0 {
				who = "outside:"
			}
		}
		fmt.Fprintf(&b, "  %-8s %s\n", who, l.text)
	}
	return b.String()
}

// accepted describes the longest order of operations that the model
// accepts, in the first partition that is not linearizable.
func accepted(m Model, ops []porcupine.Operation, info porcupine.LinearizationInfo) string {
	parts := [][]porcupine.Operation{ops}
	if m.Partition != nil {
		parts = m.Partition(ops)
	}
	partials := info.PartialLinearizationsOperations()
	desc := m.DescribeOperation
	if desc == nil {
		desc = func(in, out any) string { return fmt.Sprintf("%v → %v", in, out) }
	}
	for p, orders := range partials {
		if p >= len(parts) {
			break
		}
		var longest []porcupine.Operation
		for _, o := range orders {
			if len(o) > len(longest) {
				longest = o
			}
		}
		if len(longest) == len(parts[p]) {
			continue // this partition is linearizable
		}
		if len(longest) == 0 {
			return "none: no operation can come first"
		}
		names := make([]string, len(longest))
		for i, op := range longest {
			names[i] = desc(op.Input, op.Output)
		}
		return strings.Join(names, ", ") + ", and then none of the others"
	}
	return ""
}

// visualize writes porcupine's drawing of a history into the configured
// directory, named after the test and the history: the runs that shrink
// a failing schedule check the same histories again, and find the file
// written.
func visualize(m Model, info porcupine.LinearizationInfo, c config, history string) (string, error) {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return "", err
	}
	h := fnv.New32a()
	h.Write([]byte(m.Name))
	h.Write([]byte(history))
	name := "history"
	if c.name != "" {
		name = fileName(c.name)
	}
	path := filepath.Join(c.dir, fmt.Sprintf("%s-%08x.html", name, h.Sum32()))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp, err := os.CreateTemp(c.dir, ".tmp-*.html")
	if err != nil {
		return "", err
	}
	err = porcupine.Visualize(m.Model, info, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644) // CreateTemp's 0600 is for secrets
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return path, nil
}

// fileName keeps a test's name usable as a file name.
func fileName(test string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			return r
		}
		return '-'
	}, test)
}
