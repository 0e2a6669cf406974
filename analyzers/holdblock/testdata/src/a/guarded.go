package a

import "sync"

// pendingConn is net/http's wantConn: tryDeliver sets done where it sends the one
// result (and closes the channel), under mu; cancel receives under mu
// only when done is set, so the receive finds the value and never waits.
type pendingConn struct {
	mu     sync.Mutex
	done   bool
	result chan int
}

func newWantConn() *pendingConn { return &pendingConn{result: make(chan int, 1)} }

func (w *pendingConn) tryDeliver(v int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return false
	}
	w.done = true
	w.result <- v
	close(w.result)
	return true
}

func (w *pendingConn) cancel() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		if r, ok := <-w.result; ok {
			return r
		}
	} else {
		close(w.result)
	}
	return 0
}

// slot sets its flag where it sends too, but get receives whether the
// flag is set or not: on an empty slot it waits, holding the lock put
// needs.
type slot struct {
	mu    sync.Mutex
	full  bool
	value chan int
}

func newSlot() *slot { return &slot{value: make(chan int, 1)} }

func (s *slot) put(v int) {
	s.mu.Lock()
	s.full = true
	s.value <- v
	s.mu.Unlock()
}

func (s *slot) get() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.full = false
	return <-s.value // want `channel receive while holding s.mu`
}

// mailbox tests its flag before receiving, but one sender does not set
// it: the flag does not say the value is there.
type mailbox struct {
	mu    sync.Mutex
	ready bool
	ch    chan int
}

func newMailbox() *mailbox { return &mailbox{ch: make(chan int, 1)} }

func (m *mailbox) post(v int) {
	m.mu.Lock()
	m.ready = true
	m.ch <- v
	m.mu.Unlock()
}

func (m *mailbox) postQuietly(v int) {
	m.ch <- v
}

func (m *mailbox) take() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ready {
		return <-m.ch // want `channel receive while holding m.mu`
	}
	return 0
}
