package engine

import (
	"testing"
	"unsafe"
)

// TestObjectNames: an object goes by the expression written at each
// meeting, by that of its first named meeting where a line has none, and
// by its kind and number where the source names it nowhere; the number
// qualifies an expression that stands for several objects, or an object
// that goes by several.
func TestObjectNames(t *testing.T) {
	var a, b, wg, c, m, rw int
	p := func(x *int) unsafe.Pointer { return unsafe.Pointer(x) }
	type meeting struct {
		obj  unsafe.Pointer
		kind objKind
		text string
		want string
	}
	// The accounts deadlock: g1 transfers from a to b, g2 from b to a.
	meetings := []meeting{
		{p(&wg), objWaitGroup, "wg", "wg"},
		{p(&a), objMutex, "from.mu", "from.mu#1"},
		{p(&b), objMutex, "from.mu", "from.mu#2"},
		{p(&b), objMutex, "to.mu", "to.mu#2"},
		{p(&a), objMutex, "to.mu", "to.mu#1"},
		{p(&a), objMutex, "", "from.mu#1"}, // a deferred Unlock, at a line that does not say
		{p(&c), objChan, "", "chan#1"},
		{p(&c), objChan, "", "chan#1"},
		{p(&m), objMutex, "s.mu", "s.mu (sync.Mutex#3)"},
		{p(&rw), objRWMutex, "s.mu", "s.mu (sync.RWMutex#1)"},
	}
	n := &namer{objs: make(map[unsafe.Pointer]*objName), texts: make(map[string][]*objName)}
	for _, m := range meetings {
		n.see(m.obj, m.kind, m.text)
	}
	for _, m := range meetings {
		n.use(m.obj, m.text)
	}
	for i, m := range meetings {
		if got := n.name(m.obj, m.text); got != m.want {
			t.Errorf("meeting %d (%q): got %q, want %q", i, m.text, got, m.want)
		}
	}
}
