package a

import (
	"sync"

	"blockhelp"
)

// Path conditions: a helper that blocks only on some paths (behind a
// test of a field, of a bool parameter, or after dereferencing a field)
// blocks a caller that knows the path is not taken no more than one
// that never calls it. crypto/tls's QUIC connections are the model:
// writeRecordLocked starts with if c.quic != nil { ...; return }, and
// QUICConn.HandleData, which dereferences c.quic, calls into it with
// the handshake mutex held.

type quicState struct {
	events  []string
	readbuf []byte
}

type tconn struct {
	mu   sync.Mutex
	quic *quicState
	wire chan []byte // unbuffered: the network
	old  bool
}

// write sends on the wire unless the connection is a QUIC one.
func (c *tconn) write(b []byte) {
	if c.quic != nil {
		c.quic.events = append(c.quic.events, "write")
		return
	}
	c.wire <- b
}

// post handles a message: through write, a second call down.
func (c *tconn) post(b []byte) { c.write(b) }

// Silent: the caller has dereferenced c.quic, so it is not nil and
// write returns before the send.
func (c *tconn) handleData(b []byte) {
	c.quic.readbuf = b
	c.mu.Lock()
	defer c.mu.Unlock()
	c.post(c.quic.readbuf)
}

// Silent: the caller tests it.
func (c *tconn) ifQUIC(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.quic != nil {
		c.post(b)
	}
}

// Flagged: nothing says which path the call takes.
func (c *tconn) plain(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.post(b) // want `call of post may block while holding c.mu \(sync.Mutex.Lock at line \d+\): channel send at pathcond.go:\d+ in a.tconn.write`
}

// Flagged: the caller knows the send is taken.
func (c *tconn) ifTCP(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.quic == nil {
		c.post(b) // want `call of post may block while holding c.mu`
	}
}

// Flagged: the dereference was of a value the function replaces.
func (c *tconn) reset(b []byte) {
	c.quic.readbuf = b
	c.quic = nil
	c.mu.Lock()
	defer c.mu.Unlock()
	c.post(b) // want `call of post may block while holding c.mu`
}

// get waits for an item only when asked to.
func (c *tconn) get(wait bool) []byte {
	if !wait {
		select {
		case b := <-c.wire:
			return b
		default:
			return nil
		}
	}
	return <-c.wire
}

// Silent: the constant argument says it does not wait.
func (c *tconn) poll() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.get(false)
}

// Flagged: it does.
func (c *tconn) next() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.get(true) // want `call of get may block while holding c.mu`
}

// Flagged: it may.
func (c *tconn) maybe(w bool) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.get(w) // want `call of get may block while holding c.mu`
}

// renegotiate takes the lock itself before it sends.
func (c *tconn) renegotiate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wire <- nil // want `channel send while holding c.mu`
}

// postOld renegotiates on an old connection.
func (c *tconn) postOld() {
	if c.old {
		c.renegotiate()
	}
}

// Silent: on the path to the send the callee takes c.mu, which the
// caller holds. It deadlocks there first, or (as in crypto/tls, where
// renegotiation takes the handshake mutex and a QUIC connection, whose
// HandleData holds it, never renegotiates) the path is never taken with
// the lock held. relock does not report a relock on a path that a test
// guards either.
func (c *tconn) handleOld() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.postOld()
}

// Through a fact of another package: SendIf sends on its channel only
// when it is given one.
func (c *tconn) viaFact(ch chan int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	blockhelp.SendIf(nil, 1)
	blockhelp.SendIf(ch, 1) // want `call of SendIf may block while holding c.mu`
}

// Through a fact: a field test in another package, which this caller
// settles by its own test.
func (c *tconn) viaFieldFact(s *blockhelp.Stream) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.Buf != nil {
		s.Push(1)
	}
	s.Push(2) // want `call of Push may block while holding c.mu`
}

type inbox struct {
	mu   sync.Mutex
	in   chan string
	seen int
}

func (b *inbox) lock()   { b.mu.Lock() }
func (b *inbox) unlock() { b.mu.Unlock() }

// Flagged: the helper's lock is held across the receive.
func (b *inbox) next() string {
	b.lock()
	defer b.unlock()
	b.seen++
	return <-b.in // want `channel receive while holding b.mu \(a.inbox.lock at line \d+\)`
}

// Silent: released by the helper before the receive.
func (b *inbox) count() string {
	b.lock()
	b.seen++
	b.unlock()
	return <-b.in
}
