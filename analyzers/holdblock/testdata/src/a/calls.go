package a

import (
	"context"
	"os"
	"sync"

	"blockhelp"
	"userprim"
)

type hub struct {
	mu      sync.Mutex
	events  chan string // unbuffered
	notes   chan string // always buffered
	acks    chan bool
	wg      sync.WaitGroup
	sem     *userprim.Weighted
	gate    *userprim.Gate
	slots   chan struct{} // a semaphore channel
	spin    userprim.SpinLock
	widget  userprim.Widget
	workers blockhelp.Group
}

func newHub(n int) *hub {
	return &hub{events: make(chan string), notes: make(chan string, 8), acks: make(chan bool), slots: make(chan struct{}, n)}
}

func (h *hub) publish(ev string) { h.events <- ev }

func (h *hub) await() bool { return <-h.acks }

func (h *hub) drain()         { h.flush() }
func (h *hub) flush()         { h.wg.Wait() }
func (h *hub) note(ev string) { h.notes <- ev }

func (h *hub) reserve(ctx context.Context) error { return h.sem.Acquire(ctx, 2) }

func (h *hub) take() { h.slots <- struct{}{} }
func (h *hub) give() { <-h.slots }
func (h *hub) tryNote(ev string) {
	select {
	case h.events <- ev:
	default:
	}
}

func (h *hub) background(ev string) {
	go func() { h.events <- ev }()
}

// Flagged: the helper sends on an unbuffered channel.
func (h *hub) emit(ev string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.publish(ev) // want `call of publish may block while holding h.mu \(sync.Mutex.Lock at line \d+\): channel send at calls.go:\d+ in a.hub.publish: goroutines waiting for the lock block as long, or deadlock`
}

// Flagged: the helper receives.
func (h *hub) confirm() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.await() // want `call of await may block while holding h.mu \(sync.Mutex.Lock at line \d+\): channel receive at calls.go:\d+ in a.hub.await`
}

// Flagged: two calls down, a WaitGroup wait.
func (h *hub) close() {
	h.mu.Lock()
	h.drain() // want `call of drain may block while holding h.mu .*: sync.WaitGroup.Wait at calls.go:\d+ in a.hub.flush`
	h.mu.Unlock()
}

// Flagged: a helper of another package sleeps.
func (h *hub) retry(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	blockhelp.Backoff(n) // want `call of Backoff may block while holding h.mu .*: time.Sleep at blockhelp.go:\d+ in blockhelp.Backoff`
}

// Flagged: network I/O in another package's helper.
func (h *hub) refresh() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := blockhelp.Fetch("http://localhost/") // want `call of Fetch may block while holding h.mu .*: http.Get at blockhelp.go:\d+ in blockhelp.Fetch`
	return err
}

// Flagged: waiting for workers of another package's group.
func (h *hub) join() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.workers.Wait() // want `call of Wait may block while holding h.mu .*: sync.WaitGroup.Wait at blockhelp.go:\d+ in blockhelp.Group.Wait`
}

// Flagged: the helper acquires a hand-written semaphore.
func (h *hub) admit(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.reserve(ctx) // want `call of reserve may block while holding h.mu .*: userprim.Weighted.Acquire at calls.go:\d+ in a.hub.reserve`
}

// Flagged: semaphore acquires under the lock, directly.
func (h *hub) admitDirect(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sem.Acquire(ctx, 1) // want `userprim.Weighted.Acquire while holding h.mu \(sync.Mutex.Lock at line \d+\)`
}

// Flagged: a gate's Acquire, which has no context.
func (h *hub) admitGate() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gate.Acquire() // want `userprim.Gate.Acquire while holding h.mu`
	h.gate.Release()
}

// Flagged: a helper that takes a semaphore-channel slot.
func (h *hub) admitChan() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.take() // want `call of take may block while holding h.mu .*: channel send at calls.go:\d+ in a.hub.take`
}

// Flagged: a hand-written lock held over a blocking helper.
func (h *hub) spinEmit(ev string) {
	h.spin.Lock()
	defer h.spin.Unlock()
	h.publish(ev) // want `call of publish may block while holding h.spin \(userprim.SpinLock.Lock at line \d+\)`
}

// Silent: giving a semaphore-channel slot back does not wait.
func (h *hub) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.give()
	<-h.slots
}

// Silent: the helper's send is in a select with a default.
func (h *hub) offer(ev string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tryNote(ev)
	blockhelp.Notify(nil)
}

// Silent: the helper sends on a buffered channel.
func (h *hub) remember(ev string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.note(ev)
}

// Silent: the helper blocks only in the goroutine it starts.
func (h *hub) later(ev string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.background(ev)
	blockhelp.Later(func() {})
	h.workers.Go(func() {})
}

// Silent: called after the unlock.
func (h *hub) emitAfter(ev string) {
	h.mu.Lock()
	h.acks = nil
	h.mu.Unlock()
	h.publish(ev)
}

// Silent: TryAcquire does not wait.
func (h *hub) tryAdmit() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sem.TryAcquire(1)
}

// Silent: file I/O in a helper is not followed.
func (h *hub) config() ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return blockhelp.ReadConfig(os.DevNull)
}

// Silent: holding a semaphore, not a lock, over a blocking call.
func (h *hub) limited(ctx context.Context, ev string) error {
	if err := h.sem.Acquire(ctx, 1); err != nil {
		return err
	}
	defer h.sem.Release(1)
	h.publish(ev)
	return nil
}

// Silent: a Widget is no lock.
func (h *hub) widgetEmit(ev string) {
	h.widget.Lock()
	defer h.widget.Unlock()
	h.publish(ev)
}

// Silent: the helper only takes another mutex (lock order is
// lockorder's business).
func (h *hub) nested(o *queue) {
	h.mu.Lock()
	defer h.mu.Unlock()
	o.size()
}

type queue struct {
	mu    sync.Mutex
	other sync.Mutex
	cond  *sync.Cond
	ready *sync.Cond
	items []int
}

func newQueue() *queue {
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	q.ready = sync.NewCond(&q.other)
	return q
}

func (q *queue) size() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// waitLocked waits with q.mu held by its caller.
func (q *queue) waitLocked() {
	for len(q.items) == 0 {
		q.cond.Wait()
	}
}

// waitItem takes q.mu itself and waits on it.
func (q *queue) waitItem() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	return q.items[0]
}

// Silent: the helper's Cond.Wait releases the lock the caller holds.
func (q *queue) pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waitLocked()
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// Flagged: the helper waits on its own lock, the caller holds another.
func (h *hub) next(q *queue) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return q.waitItem() // want `call of waitItem may block while holding h.mu .*: sync.Cond.Wait at calls.go:\d+ in a.queue.waitItem`
}

// Flagged: the helper waits on a condition made with q.mu, and the
// caller holds q.other.
func (q *queue) crossed() {
	q.other.Lock()
	defer q.other.Unlock()
	q.waitLocked() // want `call of waitLocked may block while holding q.other .*: sync.Cond.Wait \(it releases only a.queue.mu\) at calls.go:\d+`
}

// Flagged: a direct wait on a condition of another lock.
func (q *queue) crossedDirect() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.ready.Wait() // want `sync.Cond.Wait \(it releases only a.queue.other\) while holding q.mu`
	}
}

// Silent: a direct wait on the held lock's condition.
func (q *queue) direct() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
}

// Silent: a wrapper of any condition variable, whose lock is unknown:
// presumably the one held.
func waitOn(c *sync.Cond) { c.Wait() }

func (q *queue) viaWrapper() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		waitOn(q.cond)
	}
}

func runAll(fs ...func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	wg.Wait()
}

// Silent: the lock is handed to a closure that the helper runs and
// waits for.
func handOff(mu *sync.Mutex, work func()) {
	mu.Lock()
	runAll(work, func() { mu.Unlock() })
}

func (h *hub) lockedPublish(ev string) {
	h.mu.Lock()
	h.acks = nil
	h.mu.Unlock()
	h.publish(ev)
}

// Silent (relock reports it): the callee relocks h.mu before it blocks.
func (h *hub) relocks(ev string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lockedPublish(ev)
}

// closeConn signals done, if there is one.
func (h *hub) closeConn(done chan<- struct{}) {
	h.events = nil
	if done != nil {
		done <- struct{}{}
	}
}

// Silent: no channel given, so nothing to block on.
func (h *hub) closeAll(c interface{ Close() error }) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closeConn(nil)
	blockhelp.Close(c, nil)
}

// Flagged: with a channel, the helper sends on it.
func (h *hub) closeAndWait(done chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closeConn(done) // want `call of closeConn may block while holding h.mu .*: channel send at calls.go:\d+ in a.hub.closeConn`
}

// waitAck drops the caller's lock while it waits.
func (h *hub) waitAck() bool {
	h.mu.Unlock()
	defer h.mu.Lock()
	return <-h.acks
}

// Silent: the helper releases the held lock around its wait.
func (h *hub) confirmUnlocked() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.waitAck()
}

// Flagged: it releases h.mu, but not h.spin.
func (h *hub) confirmSpin() bool {
	h.spin.Lock()
	defer h.spin.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.waitAck() // want `call of waitAck may block while holding h.spin`
}

type broker struct {
	mu      sync.Mutex
	queue   chan string        // made with a computed capacity
	tokens  chan struct{}      // a semaphore of computed size
	replies map[int]chan error // each made with a buffer of one
	subs    []chan string      // unbuffered
}

func newBroker(n int) *broker {
	return &broker{queue: make(chan string, n), tokens: make(chan struct{}, n), replies: make(map[int]chan error)}
}

func (b *broker) call(id int) chan error {
	ch := make(chan error, 1)
	b.mu.Lock()
	b.replies[id] = ch
	b.mu.Unlock()
	return ch
}

func (b *broker) subscribe() chan string {
	ch := make(chan string)
	b.mu.Lock()
	b.subs = append(b.subs, ch)
	b.mu.Unlock()
	return ch
}

func (b *broker) release() { <-b.tokens }

// Silent: the queue has a capacity, and each reply channel a buffer.
func (b *broker) answer(id int, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.queue <- "answered"
	b.replies[id] <- err
}

// Flagged: a semaphore's send waits when it is full.
func (b *broker) admit() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens <- struct{}{} // want `channel send while holding b.mu`
}

// Flagged: subscribers' channels are unbuffered.
func (b *broker) publish(ev string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, ch := range b.subs {
		ch <- ev // want `channel send while holding b.mu`
	}
}

// Flagged: the goroutine needs the lock the parent holds while it
// waits for the goroutine.
func (h *hub) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	done := make(chan struct{})
	go func() {
		h.mu.Lock()
		h.acks = nil
		h.mu.Unlock()
		close(done)
	}()
	<-done // want `channel receive while holding h.mu`
}

// Silent: the goroutine is handed the lock and releases it.
func (h *hub) handTo() {
	h.mu.Lock()
	done := make(chan struct{})
	go func() {
		defer h.mu.Unlock()
		h.acks = nil
		close(done)
	}()
	<-done
}

// handshake state, as crypto/tls keeps it: the helper reaches the conn
// through it.
type handshakeState struct{ h *hub }

func (s *handshakeState) run() bool { return s.h.waitAck() }

// Silent: the helper drops the held lock around its wait, reached
// through a struct made here.
func (h *hub) handshake() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	hs := &handshakeState{h: h}
	return hs.run()
}

// Silent: select {} parks the goroutine for good, on purpose (here, to
// keep it in a crash dump).
func (h *hub) crash(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	go panic(err)
	select {}
}

// connectAndUnlock is called with h.mu held and releases it: it takes
// it again to record a failure, and drops it before it backs off
// (grpc's addrConn.resetTransportAndUnlock).
func (h *hub) connectAndUnlock(ok bool) {
	h.mu.Unlock()
	if ok {
		return
	}
	h.mu.Lock()
	h.notes <- "failed"
	h.mu.Unlock()
	<-h.acks
}

// Silent: the wait comes after the helper has released the lock.
func (h *hub) connect() {
	h.mu.Lock()
	h.connectAndUnlock(false)
}
