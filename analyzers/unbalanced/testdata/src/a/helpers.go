package a

import (
	"errors"
	"sync"
)

type table struct {
	mu     sync.Mutex
	closed bool
	m      map[string]int
}

// Flagged: returns true from inside its critical section; nothing in
// its name or doc says it acquires (this comment is no doc: a blank
// line follows).

// has reports whether k is in the table.
func (t *table) has(k string) bool {
	t.mu.Lock() // want `sync.Mutex.Lock of t.mu is not released on the return at line \d+, which reports success, but nothing in the name or doc of has says it returns holding the lock: the lock stays held`
	if _, ok := t.m[k]; ok {
		return true
	}
	t.mu.Unlock()
	return false
}

// Flagged: the same with an error result.

func (t *table) check(k string) error {
	t.mu.Lock() // want `sync.Mutex.Lock of t.mu is not released on the return at line \d+, which reports success, but nothing in the name or doc of check says`
	if _, ok := t.m[k]; !ok {
		t.mu.Unlock()
		return errors.New("missing")
	}
	return nil
}

// Silent: an acquire helper by its name, and its caller releases the
// lock after a success.
func (t *table) lockIfOpen() bool {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return false
	}
	return true
}

func (t *table) put(k string, v int) {
	if !t.lockIfOpen() {
		return
	}
	defer t.mu.Unlock()
	t.m[k] = v
}

// Silent: the doc says so; no caller here (it is for other packages).
//
// Open reports whether the table is open. If it is, the caller holds
// t.mu and must unlock it.
func (t *table) Open() bool {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return false
	}
	return true
}

// Flagged: named like an acquire helper, but its only caller never
// releases the lock after a success.
func (t *table) tryLockOpen() bool {
	t.mu.Lock() // want `sync.Mutex.Lock of t.mu is not released on the return at line \d+, which reports success, but no caller in the package releases it after a success \(1 call\)`
	if t.closed {
		t.mu.Unlock()
		return false
	}
	return true
}

func (t *table) clear() {
	if t.tryLockOpen() {
		t.m = nil
	}
}

// Silent: a caller that passes the result on is an acquire helper too.
func (t *table) enterOpen() bool {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return false
	}
	return true
}

func (t *table) enter() bool { return t.enterOpen() }

// Silent: released through a helper of the package after a success.
func (t *table) takeOpen() bool {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return false
	}
	return true
}

func (t *table) unlock() { t.mu.Unlock() }

func (t *table) drop(k string) {
	if t.takeOpen() {
		delete(t.m, k)
		t.unlock()
	}
}
