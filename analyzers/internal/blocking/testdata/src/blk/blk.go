// Package blk has exported functions whose facts say where they block.
package blk

import (
	"sync"
	"time"
)

type Q struct {
	mu    sync.Mutex
	cond  *sync.Cond
	ch    chan int
	buf   chan int
	items []int
}

func New() *Q {
	q := &Q{ch: make(chan int), buf: make(chan int, 4)}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *Q) Send(v int) { q.ch <- v } // want Send:`blocks\(channel send at blk.go:\d+ in blk.Q.Send\)`

// Deep blocks two calls down.
func (q *Q) Deep() { q.middle() } // want Deep:`blocks\(time.Sleep at blk.go:\d+ in blk.Q.bottom\)`

func (q *Q) middle() { q.bottom() }
func (q *Q) bottom() { time.Sleep(time.Millisecond) }

// WaitLocked waits on the caller's lock.
func (q *Q) WaitLocked() { // want WaitLocked:`waits\(sync.Cond.Wait at blk.go:\d+ in blk.Q.WaitLocked on "blk.Q.mu"\)`
	for len(q.items) == 0 {
		q.cond.Wait()
	}
}

// Get takes the lock and waits on it: whatever its caller holds, it blocks.
func (q *Q) Get() int { // want Get:`blocks\(sync.Cond.Wait at blk.go:\d+ in blk.Q.Get\)`
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	return q.items[0]
}

// No fact: none of these block.
func (q *Q) Buffered(v int) { q.buf <- v }
func (q *Q) Try(v int) bool {
	select {
	case q.ch <- v:
		return true
	default:
		return false
	}
}
func (q *Q) Spawn(v int) { go func() { q.ch <- v }() }
func (q *Q) Locks()      { q.mu.Lock(); q.mu.Unlock() }

// Optional says so on done if there is one.
func Optional(done chan int) { // want Optional:`blocks\(channel send at blk.go:\d+ in blk.Optional if p0 != nil\)`
	if done != nil {
		done <- 1
	}
}

// Dropped waits with its caller's lock released.
func (q *Q) Dropped() int { // want Dropped:`blocks\(channel receive at blk.go:\d+ in blk.Q.Dropped released p0.mu\)`
	q.mu.Unlock()
	defer q.mu.Lock()
	return <-q.ch
}

// Maybe waits only when asked to.
func (q *Q) Maybe(wait bool) int { // want Maybe:`blocks\(channel receive at blk.go:\d+ in blk.Q.Maybe if p1\)`
	if !wait {
		return 0
	}
	return <-q.ch
}

// Stash keeps v when the queue has items, and sends it otherwise.
func (q *Q) Stash(v int) { // want Stash:`blocks\(channel send at blk.go:\d+ in blk.Q.Stash if p0.items.\* == nil\)`
	if q.items != nil {
		q.items = append(q.items, v)
		return
	}
	q.ch <- v
}

// Relocking takes q.mu, then sends: a caller holding q.mu deadlocks
// before the send.
func (q *Q) Relocking(v int) { // want Relocking:`blocks\(channel send at blk.go:\d+ in blk.Q.Relocking acquired p0.mu\)`
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ch <- v
}
