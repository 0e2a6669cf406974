package a

import (
	"errors"
	"sync"
)

// Rows keeps its read lock past Scan when the caller asked for bytes
// that alias the driver's buffer, and records it in scanHold; Next and
// Close give it back (database/sql's Rows.Scan and closemuScanHold).
type Rows struct {
	closemu  sync.RWMutex
	scanHold bool
	raw      bool
	buf      []byte
}

func (rs *Rows) Scan(dest *[]byte) error {
	if rs.scanHold {
		return errors.New("Scan called twice without Next")
	}
	rs.closemu.RLock()
	*dest = rs.buf
	if rs.raw {
		rs.scanHold = true
	} else {
		rs.closemu.RUnlock()
	}
	return nil
}

func (rs *Rows) Next() bool {
	if rs.scanHold {
		rs.scanHold = false
		rs.closemu.RUnlock()
	}
	return len(rs.buf) > 0
}

// Lease sets a flag on the path that keeps the lock, but nothing in the
// package releases the lock when the flag is set: the flag records
// something else, and the lock stays held.
type Lease struct {
	mu     sync.Mutex
	leased bool
	n      int
}

func (l *Lease) Take(n int) error {
	l.mu.Lock() // want `sync.Mutex.Lock of l.mu is not released on the return at line 61`
	if n > l.n {
		l.mu.Unlock()
		return errors.New("not enough")
	}
	l.n -= n
	if n > 0 {
		l.leased = true
	} else {
		l.mu.Unlock()
	}
	return nil
}

func (l *Lease) Leased() bool {
	if l.leased {
		return true
	}
	return false
}

// Guard releases the lock under its flag, but the path that returns
// holding the lock does not set the flag.
type Guard struct {
	mu   sync.Mutex
	held bool
}

func (g *Guard) Enter(ok bool) {
	g.mu.Lock() // want `sync.Mutex.Lock of g.mu is not released on the return at line 85`
	if ok {
		g.held = true
		g.mu.Unlock()
		return
	}
}

func (g *Guard) Exit() {
	if g.held {
		g.held = false
		g.mu.Unlock()
	}
}
