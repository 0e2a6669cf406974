package primitives

import (
	"context"
	"errors"
	"sync"
)

// ErrBrokenBarrier is returned by Barrier.Wait when the barrier is broken:
// by Abort, by Reset while parties were waiting, or by a waiting party whose
// context was done.
var ErrBrokenBarrier = errors.New("primitives: broken barrier")

// Barrier lets a fixed number of parties wait for each other, as Python's
// asyncio.Barrier: each Wait blocks until that many have called it, then all
// of them return together and the barrier is ready for the next round.
//
// A party whose context is done while it waits breaks the barrier: the
// others would otherwise wait for it forever, so they fail at once with
// ErrBrokenBarrier, as do later calls until Reset.
//
// A Barrier must be created with NewBarrier and must not be copied.
type Barrier struct {
	_ noCopy

	mu      sync.Mutex
	parties int
	count   int    // parties waiting in the current round
	round   *round // the current round
	broken  bool
}

// round is one filling of the barrier. Its done channel is closed when the
// round ends, by the last arrival or by breaking; broken tells which.
// Each waiter holds its own round, so that a new round starting cannot
// confuse the waiters of the old one.
type round struct {
	done   chan struct{}
	broken bool
}

// NewBarrier returns a Barrier for the given number of parties. It panics
// if parties is less than 1.
func NewBarrier(parties int) *Barrier {
	if parties < 1 {
		panic("primitives: NewBarrier with fewer than 1 party")
	}
	return &Barrier{parties: parties, round: &round{done: make(chan struct{})}}
}

// Wait waits until all the parties have called Wait, and returns the
// caller's arrival index in this round, from 0 for the first to Parties()-1
// for the last, which is the one that lets the others go.
//
// It returns ErrBrokenBarrier if the barrier is broken, or breaks while the
// caller waits. If ctx is done while the caller waits, Wait breaks the
// barrier for the others and returns ctx.Err(); if the round completes at
// the moment ctx is done, it returns its index and nil and breaks nothing.
// If ctx is done before the call, Wait returns ctx.Err() without arriving.
func (b *Barrier) Wait(ctx context.Context) (int, error) {
	done := ctx.Done()
	if ctxDone(done) {
		return 0, ctx.Err()
	}
	b.mu.Lock()
	r, index, err := b.arriveLocked()
	b.mu.Unlock()
	if r == nil {
		return index, err
	}

	select {
	case <-r.done:
	case <-done:
		b.mu.Lock()
		select {
		case <-r.done:
			// The round ended as ctx was cancelled: take its outcome.
		default:
			b.broken = true
			b.endRoundLocked(true)
			b.mu.Unlock()
			return 0, ctx.Err()
		}
		b.mu.Unlock()
	}
	if r.broken {
		return 0, ErrBrokenBarrier
	}
	return index, nil
}

// arriveLocked counts the caller in. It returns the round to wait for, or
// a nil round if the caller need not wait: it was the last to arrive, or
// the barrier is broken. b.mu must be held.
func (b *Barrier) arriveLocked() (r *round, index int, err error) {
	if b.broken {
		return nil, 0, ErrBrokenBarrier
	}
	r, index = b.round, b.count
	b.count++
	if b.count == b.parties {
		b.endRoundLocked(false)
		return nil, index, nil
	}
	return r, index, nil
}

// endRoundLocked ends the current round, releasing its waiters with or
// without error, and starts a new one. b.mu must be held.
func (b *Barrier) endRoundLocked(broken bool) {
	b.round.broken = broken
	close(b.round.done)
	b.round = &round{done: make(chan struct{})}
	b.count = 0
}

// Abort breaks the barrier: parties waiting now, and every later Wait until
// Reset, fail with ErrBrokenBarrier. It lets the parties that are still to
// arrive know that the round will never complete.
func (b *Barrier) Abort() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.broken = true
	if b.count > 0 {
		b.endRoundLocked(true)
	}
}

// Reset returns the barrier to its initial state, empty and not broken.
// Parties waiting now fail with ErrBrokenBarrier.
func (b *Barrier) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.count > 0 {
		b.endRoundLocked(true)
	}
	b.broken = false
}

// Parties returns the number of parties the barrier waits for.
func (b *Barrier) Parties() int { return b.parties }

// Waiting returns the number of parties waiting in the current round.
func (b *Barrier) Waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.count
}

// Broken reports whether the barrier is broken.
func (b *Barrier) Broken() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.broken
}
