package a

import "sync"

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
