// Package blockhelp has helpers that block, and some that do not, for
// holdblock to see through facts.
package blockhelp

import (
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// Backoff sleeps a little longer each attempt.
func Backoff(attempt int) {
	time.Sleep(time.Duration(attempt) * time.Millisecond)
}

// Fetch reads a URL: network I/O.
func Fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Group waits for its workers.
type Group struct{ wg sync.WaitGroup }

// Go starts f: it does not wait.
func (g *Group) Go(f func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		f()
	}()
}

// Wait waits for every f started.
func (g *Group) Wait() { g.wg.Wait() }

// Notify wakes a waiter if there is one: it never blocks.
func Notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// ReadConfig reads a file: file I/O is not followed through calls.
func ReadConfig(name string) ([]byte, error) { return os.ReadFile(name) }

// Later runs f in a goroutine after a while: the sleep is the
// goroutine's.
func Later(f func()) {
	go func() {
		time.Sleep(time.Second)
		f()
	}()
}

// Close closes c and, if done is not nil, says so on it.
func Close(c io.Closer, done chan<- struct{}) {
	c.Close()
	if done != nil {
		done <- struct{}{}
	}
}

// SendIf sends v on ch if there is a ch.
func SendIf(ch chan int, v int) {
	if ch != nil {
		ch <- v
	}
}

// Stream sends on Out unless it buffers.
type Stream struct {
	Buf []int
	Out chan int
}

// Push buffers v, or sends it when the stream does not buffer.
func (s *Stream) Push(v int) {
	if s.Buf != nil {
		s.Buf = append(s.Buf, v)
		return
	}
	s.Out <- v
}
