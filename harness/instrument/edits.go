package instrument

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
	"strings"
)

// The rewriter works on the source text, not by printing a modified AST:
// it replaces ranges of the original bytes, so that everything it does not
// touch keeps its bytes, comments and layout. Each replacement is followed
// by a /*line*/ directive that restores the position of the text after it,
// and text moved elsewhere carries a directive with its original position,
// so compiler errors, panics and stack traces point at the user's lines.

type edit struct {
	start, end int // byte offsets in the original source
	text       string
}

type editor struct {
	src   []byte
	tf    *token.File
	edits []edit // sorted by start, disjoint
}

func (e *editor) off(p token.Pos) int { return e.tf.Offset(p) }

// inside reports whether edit ed lies in [start, end): an insertion at
// end belongs to what follows the range, not to it.
func inside(ed edit, start, end int) bool {
	return ed.start >= start && ed.end <= end && (ed.start < end || start == end)
}

// render returns src[start:end] with the edits inside it applied.
func (e *editor) render(start, end int) string {
	var b strings.Builder
	at := start
	for _, ed := range e.edits {
		if !inside(ed, start, end) {
			continue
		}
		b.Write(e.src[at:ed.start])
		b.WriteString(ed.text)
		at = ed.end
	}
	b.Write(e.src[at:end])
	return b.String()
}

// node renders a node's source with its edits.
func (e *editor) node(n ast.Node) string { return e.render(e.off(n.Pos()), e.off(n.End())) }

// moved renders a node for use at another place: with a line directive
// that keeps its original position.
func (e *editor) moved(n ast.Node) string { return e.directive(n.Pos()) + e.node(n) }

// directive returns a /*line*/ comment giving the position p to the text
// that follows it.
func (e *editor) directive(p token.Pos) string {
	pos := e.tf.Position(p)
	return fmt.Sprintf("/*line :%d:%d*/", pos.Line, pos.Column)
}

// replace replaces [start, end) with text; edits inside the range must
// have been rendered into text already and are dropped. A directive after
// the new text restores the position of what follows.
func (e *editor) replace(start, end int, text string) {
	if end < len(e.src) {
		text += e.directive(e.tf.Pos(end))
	}
	e.put(edit{start: start, end: end, text: text})
}

// insert adds text at offset at, before what is there.
func (e *editor) insert(at int, text string) {
	e.put(edit{start: at, end: at, text: text + e.directive(e.tf.Pos(at))})
}

func (e *editor) put(ed edit) {
	kept := e.edits[:0:0]
	for _, old := range e.edits {
		switch {
		case ed.start == ed.end && old.start == ed.start && old.end == ed.start:
			ed.text += old.text // two insertions at one place: the new one first
		case ed.start < ed.end && inside(old, ed.start, ed.end):
			// rendered into ed.text already
		case old.start < ed.end && old.end > ed.start:
			panic(fmt.Sprintf("instrument: overlapping edits [%d,%d) and [%d,%d)", old.start, old.end, ed.start, ed.end))
		default:
			kept = append(kept, old)
		}
	}
	kept = append(kept, ed)
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].start != kept[j].start {
			return kept[i].start < kept[j].start
		}
		return kept[i].end < kept[j].end
	})
	e.edits = kept
}

// result returns the whole source with every edit applied.
func (e *editor) result() string { return e.render(0, len(e.src)) }
