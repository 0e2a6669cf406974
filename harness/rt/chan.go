package rt

import (
	"unsafe"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// Sender starts a send statement: ch <- v becomes rt.Sender(ch).Send(v).
// The element type is inferred from the channel alone, so that v is
// assigned to it as the send statement would (a *bytes.Buffer sent on a
// chan io.Reader).
func Sender[T any](ch chan<- T) SendOp[T] { return SendOp[T]{ch} }

// A SendOp is a send on a channel waiting for its value.
type SendOp[T any] struct{ ch chan<- T }

// Send is the send statement ch <- v.
func (s SendOp[T]) Send(v T) {
	if engine.Active() {
		s.sendSlow(v)
		return
	}
	s.ch <- v
}

func (s SendOp[T]) sendSlow(v T) {
	if r, h := engine.Current(); r != nil {
		engine.Send(r, h, s.ch, v)
		return
	}
	s.ch <- v
}

// Case is the case "ch <- v" of a select.
func (s SendOp[T]) Case(v T) Case { return &engine.SendCase[T]{Ch: s.ch, V: v} }

// Send is the send statement ch <- v, for code written by hand.
func Send[T any](ch chan<- T, v T) { Sender(ch).Send(v) }

// Recv is the receive expression <-ch.
func Recv[T any](ch <-chan T) T {
	if engine.Active() {
		v, _ := recvSlow(ch)
		return v
	}
	return <-ch
}

func recvSlow[T any](ch <-chan T) (T, bool) {
	if r, h := engine.Current(); r != nil {
		return engine.Recv(r, h, ch)
	}
	v, ok := <-ch
	return v, ok
}

// Recv2 is the receive v, ok := <-ch. A for range loop over a channel
// becomes a three-clause loop over Recv2:
//
//	for v, ok := rt.Recv2(ch); ok; v, ok = rt.Recv2(ch) { ... }
func Recv2[T any](ch <-chan T) (T, bool) {
	if engine.Active() {
		return recvSlow(ch)
	}
	v, ok := <-ch
	return v, ok
}

// Close is close(ch).
func Close[T any](ch chan<- T) {
	if r, h := engine.Current(); r != nil {
		engine.Close(r, h, ch)
		return
	}
	close(ch)
}

// Len is len(ch) for a channel.
func Len[T any](ch <-chan T) int {
	if engine.Active() {
		lenSlow(ch)
	}
	return len(ch)
}

func lenSlow[T any](ch <-chan T) {
	if r, h := engine.Current(); r != nil {
		engine.ChanLen(r, h, ch)
	}
}

// Cap is cap(ch) for a channel.
func Cap[T any](ch <-chan T) int { return cap(ch) }

// Controlled reports whether the calling goroutine is controlled by an
// exploration. A select statement is rewritten as
//
//	if rt.Controlled() {
//		i = rt.Select(hasDefault, rt.RecvCase(c0, &v0, &ok0), rt.SendCase(c1, x1))
//	} else {
//		select { case v0, ok0 = <-c0: i = 0; case c1 <- x1: i = 1; default: i = -1 }
//	}
//	switch i { case 0: ...; case 1: ...; default: ... }
//
// with the channel and value expressions evaluated once before it, in
// source order, as the select statement evaluates them.
func Controlled() bool { return engine.Active() && controlledSlow() }

func controlledSlow() bool {
	r, _ := engine.Current()
	return r != nil
}

// A Case is one case of a select statement.
type Case = engine.Case

// SendCase is the case "ch <- v" of a select, for code written by hand.
func SendCase[T any](ch chan<- T, v T) Case { return Sender(ch).Case(v) }

// RecvCase is the case "v, ok = <-ch" of a select; v and ok may be nil.
func RecvCase[T any](ch <-chan T, v *T, ok *bool) Case {
	return &engine.RecvCase[T]{Ch: ch, V: v, OK: ok}
}

// Select runs a select statement whose cases are cases, with a default
// case if hasDefault, in a controlled goroutine. It returns the index of
// the case taken, -1 for the default case. It must only be called when
// Controlled reports true.
func Select(hasDefault bool, cases ...Case) int {
	r, h := engine.Current()
	if r == nil {
		panic("interleave/rt: Select called outside a controlled goroutine")
	}
	return r.Select(h, hasDefault, cases)
}

// MakeChan is make(chan T, n): make(chan T) becomes rt.MakeChan(make(chan T)).
// A channel made by a controlled goroutine is known to the exploration:
// when every goroutine is blocked and only such channels are involved, the
// run is deadlocked at once; a channel made elsewhere (by code that is not
// instrumented) might still be served by a goroutine outside the run, so
// the engine waits for up to the watchdog duration first.
func MakeChan[C ~chan E, E any](ch C) C {
	if engine.Active() {
		madeChan(*(*unsafe.Pointer)(unsafe.Pointer(&ch)))
	}
	return ch
}

func madeChan(c unsafe.Pointer) {
	if r, h := engine.Current(); r != nil {
		r.MadeChan(h, c)
	}
}

// RangeInit starts a for range loop over a channel. The loop
//
//	for v := range ch { ... }
//
// becomes the three-clause loop
//
//	for c, v, ok := rt.RangeInit(ch); ok; v, ok = rt.Recv2(c) { ... }
//
// which evaluates ch once and keeps the loop's break, continue, labels and
// per-iteration variables.
func RangeInit[E any](ch <-chan E) (<-chan E, E, bool) {
	v, ok := Recv2(ch)
	return ch, v, ok
}

// Zero returns the zero value of ch's element type: a select's received
// value is declared with it, since the rewriter may not be able to name
// the type.
func Zero[E any](ch <-chan E) (zero E) { return zero }
