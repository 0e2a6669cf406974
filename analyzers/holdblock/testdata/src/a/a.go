package a

import (
	"context"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/interleave-go/interleave/primitives"
)

type server struct {
	mu    sync.Mutex
	rw    sync.RWMutex
	ch    chan int
	wg    sync.WaitGroup
	cond  *sync.Cond
	ready bool
	q     *primitives.Queue[int]
	ev    *primitives.Event
}

// Flagged: unbuffered send under the lock.
func (s *server) send(v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ch <- v // want `channel send while holding s.mu \(sync.Mutex.Lock at line 27\): goroutines waiting for the lock block as long, or deadlock`
}

// Silent: non-blocking send.
func (s *server) trySend(v int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.ch <- v:
		return true
	default:
		return false
	}
}

// Silent: send after unlocking.
func (s *server) sendAfter(v int) {
	s.mu.Lock()
	s.ready = true
	s.mu.Unlock()
	s.ch <- v
}

// Flagged: receive under a read lock.
func (s *server) recv() int {
	s.rw.RLock()
	defer s.rw.RUnlock()
	return <-s.ch // want `channel receive while holding s.rw \(sync.RWMutex.RLock at line 54\)`
}

// Flagged: select without default.
func (s *server) selectBlock(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select { // want `select while holding s.mu`
	case <-ctx.Done():
	case v := <-s.ch:
		_ = v
	}
}

// Flagged: time.Sleep.
func (s *server) sleep() {
	s.mu.Lock()
	time.Sleep(time.Millisecond) // want `time.Sleep while holding s.mu`
	s.mu.Unlock()
}

// Flagged: WaitGroup.Wait.
func (s *server) waitAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wg.Wait() // want `sync.WaitGroup.Wait while holding s.mu`
}

// Silent: Cond.Wait releases the lock while it waits.
func (s *server) waitReady() {
	s.mu.Lock()
	for !s.ready {
		s.cond.Wait()
	}
	s.mu.Unlock()
}

// Flagged: Event.Wait of the primitives.
func (s *server) prims(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ev.Wait(ctx) // want `primitives.Event.Wait while holding s.mu`
}

// Flagged: Queue.Get of the primitives.
func (s *server) primGet(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.q.Get(ctx) // want `primitives.Queue.Get while holding s.mu`
}

// One finding for one critical section: the second wait is related
// information of the first, not a finding of its own.
func (s *server) twice(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ev.Wait(ctx); err != nil { // want `primitives.Event.Wait while holding s.mu`
		return 0, err
	}
	return s.q.Get(ctx)
}

// Silent: TryGet does not block.
func (s *server) tryGet() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.q.TryGet()
}

// Flagged: file I/O.
func (s *server) io() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := os.ReadFile("x") // want `os.ReadFile while holding s.mu`
	return err
}

// Flagged: network I/O.
func (s *server) netIO(c net.Conn, buf []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := c.Read(buf) // want `net.Conn.Read while holding s.mu`
	return err
}

// Flagged: HTTP.
func (s *server) httpIO() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := http.Get("http://localhost/") // want `http.Get while holding s.mu`
	return err
}

// Silent: the blocking happens in another goroutine.
func (s *server) spawn() {
	s.mu.Lock()
	defer s.mu.Unlock()
	go func() {
		s.ch <- 1
	}()
}

// Silent: a path where the lock was not taken.
func (s *server) maybe(lock bool) {
	if lock {
		s.mu.Lock()
		s.ready = true
		s.mu.Unlock()
		return
	}
	time.Sleep(time.Millisecond)
}

// Embedded mutex: flagged.
type table struct {
	sync.Mutex
	done chan struct{}
}

func (t *table) wait() {
	t.Lock()
	<-t.done // want `channel receive while holding t.Mutex`
	t.Unlock()
}

// Generic: flagged Put under the lock.
type pipe[T any] struct {
	mu sync.Mutex
	q  *primitives.Queue[T]
}

func (p *pipe[T]) push(ctx context.Context, v T) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.q.Put(ctx, v) // want `primitives.Queue.Put while holding p.mu`
}

// Closures: silent, the literal unlocks before blocking.
func closure(mu *sync.Mutex, ch chan int) func() {
	return func() {
		mu.Lock()
		n := len(ch)
		mu.Unlock()
		ch <- n
	}
}

// goto: silent, the loop unlocks before each sleep.
func gotoLoop(mu *sync.Mutex, n int) {
again:
	mu.Lock()
	n--
	mu.Unlock()
	if n > 0 {
		time.Sleep(time.Millisecond)
		goto again
	}
}

// Silent: a semaphore channel under a lock is released, not blocked on.
func semRelease(mu *sync.Mutex, sem chan struct{}) {
	sem <- struct{}{}
	mu.Lock()
	<-sem
	mu.Unlock()
}

// Silent: directive.
func ignored(mu *sync.Mutex, ch chan int) {
	mu.Lock()
	defer mu.Unlock()
	//interleavevet:ignore holdblock the channel is buffered and drained elsewhere
	ch <- 1
}

type notifier struct {
	mu    sync.Mutex
	note  chan int // always buffered
	plain chan int // unbuffered somewhere
}

func newNotifier() *notifier {
	return &notifier{note: make(chan int, 1), plain: make(chan int)}
}

// Silent: sends on channels known to be buffered.
func (n *notifier) notify() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.note <- 1
	local := make(chan int, 1)
	local <- 1
}

// Flagged: the field is unbuffered somewhere in the package.
func (n *notifier) notifyPlain() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.plain <- 1 // want `channel send while holding n.mu`
}

// Silent: a buffered channel made by the parent, captured by the closure.
func captured(mu *sync.Mutex, n int) {
	done := make(chan bool, 4)
	for i := 0; i < n; i++ {
		go func() {
			mu.Lock()
			done <- true
			mu.Unlock()
		}()
	}
}

// Flagged: an unbuffered channel made by the parent, captured by the closure.
func capturedUnbuffered(mu *sync.Mutex) {
	done := make(chan bool)
	go func() {
		mu.Lock()
		done <- true // want `channel send while holding mu`
		mu.Unlock()
	}()
	<-done
}

// Flagged: a deferred unlock in a loop keeps the lock held over the sleep.
func deferLoop(mu *sync.Mutex, n int) {
	for i := 0; i < n; i++ {
		mu.Lock()
		defer mu.Unlock()
		time.Sleep(time.Millisecond) // want `time.Sleep while holding mu`
	}
}
