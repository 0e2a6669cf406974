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

	mu         sync.Mutex // taken through Lock, so that it is scheduled
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
	Lock(&c.mu)
	defer Unlock(&c.mu)
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

func (c *vctx) String() string { return contextName(c.parent) + "." + c.name }

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
	Lock(&c.mu)
	if c.err != nil {
		Unlock(&c.mu)
		Go(f) // as the context package does for a context already done
		return func() bool { return false }
	}
	c.funcs = append(c.funcs, a)
	Unlock(&c.mu)
	return func() bool {
		Lock(&c.mu)
		defer Unlock(&c.mu)
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
	Lock(&c.mu)
	if c.err != nil {
		Unlock(&c.mu)
		return
	}
	c.err = err
	c.innerCancel(cause)
	Close(c.done)
	children, funcs := c.children, c.funcs
	c.children, c.funcs = nil, nil
	timer := c.timer
	Unlock(&c.mu)
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
	Lock(&c.mu)
	defer Unlock(&c.mu)
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
		Lock(&p.mu)
		if p.err != nil {
			err := p.err
			Unlock(&p.mu)
			c.cancel(false, err, context.Cause(p))
			return c
		}
		p.children = append(p.children, c)
		Unlock(&p.mu)
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
	c := newCtx(parent, "WithDeadline("+d.String()+")")
	c.deadline, c.hasDeadline = d, true
	if cause == nil {
		cause = context.DeadlineExceeded
	}
	dur := Until(d)
	if dur <= 0 {
		c.cancel(true, context.DeadlineExceeded, cause)
		return c, func() { c.cancel(false, context.Canceled, nil) }
	}
	Lock(&c.mu)
	if c.err == nil {
		c.timer = AfterFunc(dur, func() { c.cancel(true, context.DeadlineExceeded, cause) })
	}
	Unlock(&c.mu)
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
