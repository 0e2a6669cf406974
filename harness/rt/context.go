package rt

import (
	"context"
	"sync"
	"time"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// The context constructors of instrumented code build, in a controlled
// goroutine, contexts whose deadlines run on the virtual clock and whose
// cancellation is scheduled: ctx.Done() is a channel the harness made and
// closes at a scheduling point. They behave as the context package's:
// Err is DeadlineExceeded after the deadline, Canceled after cancel, for
// the context and its children (those built here and those the context
// package builds on them), and context.Cause reports the cause.

type vctx struct {
	parent      context.Context
	done        chan struct{}
	inner       context.Context // a parentless cancelCtx that answers context.Cause
	innerCancel context.CancelCauseFunc
	deadline    time.Time
	hasDeadline bool
	name        string

	// mu guards the fields below against goroutines outside the harness
	// (the context package cancels a context built on one of its own).
	// It is a real mutex, not a scheduling point: it is never held across
	// one, so a controlled goroutine never waits for it. The points of a
	// context are those of the context package's observable behaviour: the
	// close of Done (cancel), the read of Err, the timer.
	mu         sync.Mutex
	err        error
	children   []*vctx
	funcs      []*afterFunc
	timer      *time.Timer
	stopParent func() bool
}

// afterFunc is a function to run when the context is done: in a new
// goroutine for context.AfterFunc, in the cancelling goroutine for the
// children the context package attaches through the AfterFunc method.
type afterFunc struct {
	f     func()
	spawn bool
	gone  bool
}

func (c *vctx) Deadline() (time.Time, bool) {
	if !c.hasDeadline {
		return c.parent.Deadline()
	}
	return c.deadline, true
}
func (c *vctx) Done() <-chan struct{} { return c.done }

func (c *vctx) Err() error {
	// Reading Err is reading whether Done is closed: a point on Done, on
	// which cancel's close depends.
	if engine.Active() {
		lenSlow((<-chan struct{})(c.done))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *vctx) Value(key any) any {
	// The inner context answers only the context package's own key, so
	// that context.Cause finds the cause here.
	if v := c.inner.Value(key); v != nil {
		return v
	}
	return c.parent.Value(key)
}

func (c *vctx) String() string {
	name := c.name
	if c.hasDeadline {
		name = "WithDeadline(" + c.deadline.String() + ")" // formatted only when asked for
	}
	return contextName(c.parent) + "." + name
}

func contextName(c context.Context) string {
	if s, ok := c.(interface{ String() string }); ok {
		return s.String()
	}
	return "context"
}

// AfterFunc is what the context package calls to attach a child it builds
// on this context; f runs when the context is done.
func (c *vctx) AfterFunc(f func()) func() bool {
	return c.register(f, false)
}

func (c *vctx) register(f func(), spawn bool) func() bool {
	a := &afterFunc{f: f, spawn: spawn}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		Go(f) // as the context package does for a context already done
		return func() bool { return false }
	}
	c.funcs = append(c.funcs, a)
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if a.gone || c.err != nil {
			return false
		}
		a.gone = true
		return true
	}
}

// cancel makes the context done with err and cause, then its children.
func (c *vctx) cancel(removeFromParent bool, err, cause error) {
	if cause == nil {
		cause = err
	}
	c.mu.Lock()
	done := c.err != nil
	c.mu.Unlock()
	if done {
		return
	}
	// The scheduling point of the close; the close itself is made with
	// the error set, in one step, as the context package makes it under
	// its lock: Err is never seen set while Done is open.
	if r, h := engine.Current(); r != nil {
		engine.ClosePoint(r, h, c.done)
	}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock() // cancelled by another at that point
		return
	}
	c.err = err
	c.innerCancel(cause)
	close(c.done)
	children, funcs := c.children, c.funcs
	c.children, c.funcs = nil, nil
	timer := c.timer
	c.mu.Unlock()
	for _, child := range children {
		if child != nil {
			child.cancel(false, err, cause)
		}
	}
	for _, a := range funcs {
		if a.gone {
			continue
		}
		if a.spawn {
			Go(a.f)
		} else {
			a.f()
		}
	}
	if timer != nil {
		TimerStop(timer)
	}
	if removeFromParent {
		if p, ok := c.parent.(*vctx); ok {
			p.removeChild(c)
		} else if c.stopParent != nil {
			c.stopParent()
		}
	}
}

func (c *vctx) removeChild(child *vctx) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, ch := range c.children {
		if ch == child {
			c.children[i] = nil
		}
	}
}

// newCtx builds a context on parent and attaches it to parent's
// cancellation.
func newCtx(parent context.Context, name string) *vctx {
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	c := &vctx{parent: parent, name: name, done: MakeChan(make(chan struct{}))}
	c.inner, c.innerCancel = context.WithCancelCause(context.Background())
	if p, ok := parent.(*vctx); ok {
		p.mu.Lock()
		if p.err != nil {
			err := p.err
			p.mu.Unlock()
			c.cancel(false, err, context.Cause(p))
			return c
		}
		p.children = append(p.children, c)
		p.mu.Unlock()
		return c
	}
	done := parent.Done()
	if done == nil {
		return c
	}
	select {
	case <-done:
		c.cancel(false, parent.Err(), context.Cause(parent))
		return c
	default:
	}
	// A context from code that is not instrumented: its cancellation
	// reaches this one from a goroutine of the context package.
	c.stopParent = context.AfterFunc(parent, func() { c.cancel(false, parent.Err(), context.Cause(parent)) })
	return c
}

func controlled() bool {
	r, _ := engine.Current()
	return r != nil
}

// WithCancel is context.WithCancel.
func WithCancel(parent context.Context) (context.Context, context.CancelFunc) {
	if !controlled() {
		return context.WithCancel(parent)
	}
	c := newCtx(parent, "WithCancel")
	return c, func() { c.cancel(true, context.Canceled, nil) }
}

// WithCancelCause is context.WithCancelCause.
func WithCancelCause(parent context.Context) (context.Context, context.CancelCauseFunc) {
	if !controlled() {
		return context.WithCancelCause(parent)
	}
	c := newCtx(parent, "WithCancel")
	return c, func(cause error) { c.cancel(true, context.Canceled, cause) }
}

// WithDeadline is context.WithDeadline.
func WithDeadline(parent context.Context, d time.Time) (context.Context, context.CancelFunc) {
	return WithDeadlineCause(parent, d, nil)
}

// WithDeadlineCause is context.WithDeadlineCause.
func WithDeadlineCause(parent context.Context, d time.Time, cause error) (context.Context, context.CancelFunc) {
	if !controlled() {
		return context.WithDeadlineCause(parent, d, cause)
	}
	if parent == nil {
		panic("cannot create context from nil parent")
	}
	if cur, ok := parent.Deadline(); ok && cur.Before(d) {
		return WithCancel(parent) // the parent's deadline comes first
	}
	c := newCtx(parent, "WithDeadline")
	c.deadline, c.hasDeadline = d, true
	if cause == nil {
		cause = context.DeadlineExceeded
	}
	dur := d.Sub(peekNow())
	if dur <= 0 {
		c.cancel(true, context.DeadlineExceeded, cause)
		return c, func() { c.cancel(false, context.Canceled, nil) }
	}
	t := AfterFunc(dur, func() { c.cancel(true, context.DeadlineExceeded, cause) })
	c.mu.Lock()
	set := c.err == nil
	if set {
		c.timer = t
	}
	c.mu.Unlock()
	if !set {
		TimerStop(t) // the parent cancelled it meanwhile
	}
	return c, func() { c.cancel(true, context.Canceled, nil) }
}

// WithTimeout is context.WithTimeout.
func WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return WithDeadline(parent, Now().Add(d))
}

// WithTimeoutCause is context.WithTimeoutCause.
func WithTimeoutCause(parent context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
	return WithDeadlineCause(parent, Now().Add(d), cause)
}

// ContextAfterFunc is context.AfterFunc.
func ContextAfterFunc(ctx context.Context, f func()) (stop func() bool) {
	if c, ok := ctx.(*vctx); ok {
		return c.register(f, true)
	}
	return context.AfterFunc(ctx, f)
}
