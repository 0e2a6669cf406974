package a

import (
	"sync"
	"time"
)

// A token bucket: a channel of struct{} filled with tokens where it is
// made (nats-server's diskIOSemaphore). Taking a token receives and may
// wait; giving one back sends and does not.

type ioTokens struct {
	ch chan struct{}
}

func newIOTokens(n int) *ioTokens {
	t := &ioTokens{ch: make(chan struct{}, n)}
	for range n {
		t.ch <- struct{}{}
	}
	return t
}

func (t *ioTokens) take() { <-t.ch }
func (t *ioTokens) give() { t.ch <- struct{}{} }

type blockFile struct {
	mu  sync.Mutex
	dio *ioTokens
}

// Silent: giving a token back never waits.
func (f *blockFile) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dio.give()
}

// Flagged: taking one may.
func (f *blockFile) load() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dio.take() // want `call of take may block while holding f.mu .*: channel receive at tokens.go:\d+ in a.ioTokens.take`
}

// Silent: a token given back directly.
func (f *blockFile) releaseDirect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dio.ch <- struct{}{}
}

type throttle struct {
	mu    sync.Mutex
	timer *time.Timer
}

// Silent: the drain of a timer that Stop says has fired (sarama's
// Broker.throttle).
func (t *throttle) reset(d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		if !t.timer.Stop() {
			<-t.timer.C
		}
		t.timer.Reset(d)
	}
}

// Flagged: waiting for the timer itself.
func (t *throttle) wait() {
	t.mu.Lock()
	defer t.mu.Unlock()
	<-t.timer.C // want `channel receive while holding t.mu`
}
