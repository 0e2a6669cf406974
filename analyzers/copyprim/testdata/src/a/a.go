package a

import (
	"sync"

	"github.com/interleave-go/interleave/primitives"
	"golang.org/x/sync/semaphore"
)

// gate is a look-alike event built on a channel: no Lock method, so
// copylocks does not see it.
type gate struct {
	ch  chan struct{}
	set bool
}

func (g *gate) Wait() { <-g.ch }
func (g *gate) Set()  { g.set = true }

// tokens is a look-alike semaphore.
type tokens struct{ n int64 }

func (t *tokens) Acquire(n int64) { t.n -= n }
func (t *tokens) Release(n int64) { t.n += n }

type worker struct {
	ready primitives.Event
	name  string
}

// Flagged: assignment.
func assign(e *primitives.Event) {
	x := *e // want `assignment copies primitive value primitives.Event to x: the copy does not share the original's state`
	_ = x
}

// Flagged: parameter by value.
func param(e primitives.Event) {} // want `param passes primitive value primitives.Event by value`

// Flagged: call argument of a struct containing an Event.
func callArg(w *worker) {
	use(*w) // want `call of use copies primitive value a.worker contains primitives.Event`
}

func use(w worker) {} // want `use passes primitive value a.worker contains primitives.Event by value`

// Flagged: range variable.
func rangeCopy(ws []worker) {
	for _, w := range ws { // want `range variable w copies primitive value a.worker contains primitives.Event`
		_ = w.name
	}
}

// Flagged: return.
func ret(w *worker) worker {
	return *w // want `return copies primitive value a.worker contains primitives.Event`
}

// Flagged: look-alikes by method names.
func lookalike(g *gate, t *tokens) {
	g2 := *g    // want `assignment copies primitive value a.gate to g2`
	var t2 = *t // want `variable declaration copies primitive value a.tokens to t2`
	_, _ = g2, t2
}

// Flagged: value receiver.
func (g gate) peek() bool { return g.set } // want `peek passes primitive value a.gate by value`

// Flagged: composite literal element.
func literal(s *primitives.Semaphore) []primitives.Semaphore {
	return []primitives.Semaphore{*s} // want `literal copies primitive value primitives.Semaphore`
}

// Generic: flagged copy of an instantiated generic type.
type pool[T any] struct {
	q    primitives.Queue[T]
	name string
}

func clonePool[T any](p *pool[T]) pool[T] {
	return *p // want `return copies primitive value a.pool\[T\] contains primitives.Queue\[T\]`
}

// Closure: flagged parameter of a function literal.
var f = func(b primitives.Barrier) {} // want `func passes primitive value primitives.Barrier by value`

// Silent: pointers are fine.
func pointers(e *primitives.Event, ws []*worker) *worker {
	p := e
	_ = p
	for _, w := range ws {
		return w
	}
	return nil
}

// Silent: a new zero value is not a copy.
func fresh() worker {
	return worker{name: "x"}
}

// Silent: copylocks reports semaphore.Weighted (it holds a mutex).
func weighted(s *semaphore.Weighted) {
	s2 := *s
	_ = s2
}

// Silent: a struct with a mutex is copylocks' business.
type guarded struct {
	mu sync.Mutex
	ev primitives.Event
}

func guardedCopy(g *guarded) {
	g2 := *g
	_ = g2
}

// Silent: a Set method alone (flag.Value style) is not a primitive.
type flagValue struct{ s string }

func (f *flagValue) Set(s string) error { f.s = s; return nil }

func flags(v *flagValue) flagValue { return *v }

// Silent: methods with value receivers can be copied.
type valueWaiter struct{ ch chan struct{} }

func (v valueWaiter) Wait() { <-v.ch }
func (v valueWaiter) Set()  { close(v.ch) }

func vw(v *valueWaiter) valueWaiter { return *v }

// Silent: embedded pointer to a primitive.
type holder struct {
	*primitives.Event
}

func holderCopy(h *holder) holder { return *h }

// Silent: taking the address in a goto loop is not a copy.
func gotoAddr(es []primitives.Event) *primitives.Event {
	i := 0
again:
	if i < len(es) {
		e := &es[i]
		if e.IsSet() {
			return e
		}
		i++
		goto again
	}
	return nil
}

// Silent: directive.
func ignored(e *primitives.Event) {
	x := *e //interleavevet:ignore copyprim the copy is a snapshot for a test
	_ = x
}

// embedded embeds a primitive by value.
type embedded struct {
	primitives.Event
	n int
}

// Flagged: defer in a loop copies a struct that embeds an Event (and so
// has its Wait and Set methods).
func deferLoop(es []*embedded) {
	for _, e := range es {
		defer use2(*e) // want `call of use2 copies primitive value a.embedded: the copy does not share`
	}
}

func use2(e embedded) {} // want `use2 passes primitive value a.embedded by value`
