package a

import (
	"errors"
	"sync"
)

// Lock helpers: functions of the package that leave their caller's lock
// acquired (or released) are followed like the Lock (or Unlock) they
// wrap, whatever their names.

type kv struct {
	mu sync.Mutex
	m  map[string]int
}

var errNoKey = errors.New("no key")

func (s *kv) lock()   { s.mu.Lock() }
func (s *kv) unlock() { s.mu.Unlock() }

// Flagged: the early return leaves the helper's lock held.
func (s *kv) put(k string, v int) error {
	s.lock() // want `a.kv.lock of s.mu is not released on the return at line \d+: the lock stays held`
	if k == "" {
		return errNoKey
	}
	s.m[k] = v
	s.unlock()
	return nil
}

// Silent: the helpers, paired with a defer.
func (s *kv) get(k string) int {
	s.lock()
	defer s.unlock()
	return s.m[k]
}

// Silent: released on every path, by the helper or directly.
func (s *kv) del(k string) bool {
	s.lock()
	if _, ok := s.m[k]; !ok {
		s.mu.Unlock()
		return false
	}
	delete(s.m, k)
	s.unlock()
	return true
}

// lockIfOpen takes the lock unless the kv is closed: it holds the
// lock exactly when it returns nil.
func (s *kv) lockIfOpen() error {
	s.mu.Lock()
	if s.m == nil {
		s.mu.Unlock()
		return errNoKey
	}
	return nil
}

// Silent: used as an acquire that can fail.
func (s *kv) exec() error {
	if err := s.lockIfOpen(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	return nil
}

// Flagged: a success path returns without the release.
func (s *kv) execLeaky(v int) error {
	if err := s.lockIfOpen(); err != nil { // want `a.kv.lockIfOpen of s.mu is not released on the return at line \d+`
		return err
	}
	if v < 0 {
		return errNoKey
	}
	s.mu.Unlock()
	return nil
}

// swapLocked is called with s.mu held: it drops it and takes it back
// (nats.go's Subscription.applyNewSID). It is no locking helper.
func (s *kv) swapLocked() {
	s.mu.Unlock()
	s.mu.Lock()
}

// Silent.
func (s *kv) swap() {
	s.mu.Lock()
	s.swapLocked()
	s.mu.Unlock()
}

type rwstore struct {
	mu sync.RWMutex
	n  int
}

// lockThenCall takes the lock, and calls a function that may do
// anything to it, then releases: no unlocking helper (nats-server's
// memStore.StoreMsg).
func (r *rwstore) lockThenCall(f func()) {
	r.mu.Lock()
	r.touch(f)
	r.mu.Unlock()
}

func (r *rwstore) touch(f func()) {
	r.mu.Unlock()
	f()
	r.mu.Lock()
}

// Silent: each call takes and gives back.
func (r *rwstore) twice(f func()) {
	r.lockThenCall(f)
	r.lockThenCall(f)
}

type db struct {
	mmap sync.RWMutex
	open bool
}

type txn struct {
	db *db
}

// beginTxn read-locks the map for the transaction it returns, whose
// rollback gives the lock back (bbolt's DB.beginTx and Tx.Rollback).
func (d *db) beginTxn() (*txn, error) {
	d.mmap.RLock()
	if !d.open {
		d.mmap.RUnlock()
		return nil, errNoKey
	}
	return &txn{db: d}, nil
}

func (d *db) removeTxn(t *txn) { d.mmap.RUnlock() }

func (t *txn) rollback() { t.db.removeTxn(t) }

// Silent: the caller holds the lock through the transaction.
func (d *db) view(f func(*txn)) error {
	t, err := d.beginTxn()
	if err != nil {
		return err
	}
	defer t.rollback()
	f(t)
	return nil
}

type wire struct {
	rlock sync.Mutex
	next  int
}

// await returns holding rlock when the response is ours, and gives the
// caller the lock to release (kafka-go's Conn.waitResponse).
func (w *wire) await(id int) (size int, lock *sync.Mutex, err error) {
	for {
		w.rlock.Lock()
		if w.next < 0 {
			w.rlock.Unlock()
			err = errNoKey
			break
		}
		if w.next == id {
			size, lock = 4, &w.rlock
			break
		}
		w.rlock.Unlock()
	}
	return
}

// Silent.
func (w *wire) read(id int) int {
	n, lock, err := w.await(id)
	if err != nil {
		return 0
	}
	defer lock.Unlock()
	return n
}
