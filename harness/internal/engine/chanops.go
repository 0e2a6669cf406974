package engine

import (
	"fmt"
	"unsafe"
)

// A Case is one case of a select statement, built by the runtime ABI.
type Case interface {
	desc() CaseDesc
	// exec performs the real channel operation. It blocks only in a
	// rendezvous, until the partner the engine chose performs its half.
	exec()
	typeName() string
}

// SendCase sends V on Ch.
type SendCase[T any] struct {
	Ch chan<- T
	V  T
}

func (c *SendCase[T]) desc() CaseDesc   { return CaseDesc{Ch: chanPtr(c.Ch), Send: true} }
func (c *SendCase[T]) exec()            { c.Ch <- c.V }
func (c *SendCase[T]) typeName() string { return fmt.Sprintf("%T", c.Ch) }

// RecvCase receives from Ch into *V and *OK, either of which may be nil.
type RecvCase[T any] struct {
	Ch <-chan T
	V  *T
	OK *bool
}

func (c *RecvCase[T]) desc() CaseDesc { return CaseDesc{Ch: chanPtr(c.Ch)} }
func (c *RecvCase[T]) exec() {
	v, ok := <-c.Ch
	if c.V != nil {
		*c.V = v
	}
	if c.OK != nil {
		*c.OK = ok
	}
}
func (c *RecvCase[T]) typeName() string { return fmt.Sprintf("%T", c.Ch) }

// Select runs a select statement over cases, with a default case if
// hasDefault. It returns the index of the case taken, -1 for default.
func (r *Run) Select(h *Handle, hasDefault bool, cases []Case) int {
	if h.dying {
		teardown()
	}
	descs := h.caseBuf[:0]
	for _, c := range cases {
		descs = append(descs, c.desc())
	}
	h.caseBuf = descs
	if r.trace || r.x.cov != nil {
		h.pending = callers(h.pending[:0])
	}
	q := request{kind: KSelect, cases: descs, hasDefault: hasDefault}
	if len(cases) == 1 && !hasDefault {
		q.kind = KRecv
		if descs[0].Send {
			q.kind = KSend
		}
	}
	rep := r.submit(h, &q)
	if rep.kind == rAbort {
		h.abort()
	}
	typ := ""
	if r.trace && rep.cas >= 0 {
		typ = cases[rep.cas].typeName()
	}
	r.noteStep(h, rep.step, typ)
	if rep.cas < 0 {
		return -1
	}
	if r.x.cov != nil {
		r.x.cov.access(h, descs[rep.cas].Ch)
	}
	cases[rep.cas].exec()
	if rep.acquire != nil {
		raceAcquire(rep.acquire)
	}
	if rep.kind == rRendezvous {
		if r.wait(h).kind == rAbort {
			h.abort()
		}
	}
	return int(rep.cas)
}

// Send is a send statement.
func Send[T any](r *Run, h *Handle, ch chan<- T, v T) {
	c := SendCase[T]{Ch: ch, V: v}
	r.Select(h, false, []Case{&c})
}

// Recv is a receive expression.
func Recv[T any](r *Run, h *Handle, ch <-chan T) (v T, ok bool) {
	c := RecvCase[T]{Ch: ch, V: &v, OK: &ok}
	r.Select(h, false, []Case{&c})
	return v, ok
}

// Close closes ch.
func Close[T any](r *Run, h *Handle, ch chan<- T) {
	r.point(h, &request{kind: KClose, obj: chanPtr(ch)})
	close(ch)
}

// ClosePoint is the scheduling point of a close of ch that the caller
// then makes itself, at once: code of the harness that closes a channel
// inside a critical section of its own (a context's cancel).
func ClosePoint[T any](r *Run, h *Handle, ch chan<- T) {
	r.point(h, &request{kind: KClose, obj: chanPtr(ch)})
}

// ChanLen is the scheduling point before len(ch) of a channel.
func ChanLen[T any](r *Run, h *Handle, ch <-chan T) {
	r.point(h, &request{kind: KChanLen, obj: chanPtr(ch)})
}

// MadeChan records that the calling goroutine made channel c, so that the
// engine knows no goroutine outside the run can be on its other side
// unless the run hands it out.
func (r *Run) MadeChan(h *Handle, c unsafe.Pointer) {
	if !raceEnabled && !h.dying {
		r.madeChan(c) // the engine runs on the baton's holder: no request needed
		return
	}
	r.submit(h, &request{note: noteMade, obj: c})
}
