package a

import (
	"context"
	"errors"
	"sync"

	"github.com/interleave-go/interleave/primitives"
	"golang.org/x/sync/semaphore"
)

type account struct {
	mu      sync.Mutex
	rw      sync.RWMutex
	balance int
}

// Flagged: direct relock.
func (a *account) twice() {
	a.mu.Lock()
	a.mu.Lock() // want `sync.Mutex.Lock of a.mu, already held since line \d+: the lock is not reentrant and this goroutine deadlocks`
	a.mu.Unlock()
}

func (a *account) deposit(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.balance += n
}

// Flagged: a method that locks the receiver, called with its lock held.
func (a *account) depositTwice(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.deposit(n) // want `call of deposit acquires a.mu \(sync.Mutex.Lock at line \d+\), already held since line \d+`
}

// Silent: the same method on another account.
func (a *account) transfer(to *account, n int) {
	a.mu.Lock()
	a.balance -= n
	a.mu.Unlock()
	to.deposit(n)
}

// Silent: unlock before calling the locking method.
func (a *account) depositAfter(n int) {
	a.mu.Lock()
	a.balance++
	a.mu.Unlock()
	a.deposit(n)
}

// Flagged: recursive read locking.
func (a *account) readTwice() int {
	a.rw.RLock()
	defer a.rw.RUnlock()
	return a.readBalance() // want `call of readBalance acquires a.rw \(sync.RWMutex.RLock at line \d+\), already held since line \d+: recursive read locking deadlocks once a writer is waiting`
}

func (a *account) readBalance() int {
	a.rw.RLock()
	defer a.rw.RUnlock()
	return a.balance
}

// Flagged: Lock while holding the read lock.
func (a *account) upgrade() {
	a.rw.RLock()
	if a.balance < 0 {
		a.rw.Lock() // want `sync.RWMutex.Lock of a.rw, already held since line \d+`
		a.balance = 0
		a.rw.Unlock()
	}
	a.rw.RUnlock()
}

// Silent: upgrade done right, releasing the read lock first.
func (a *account) upgradeOK() {
	a.rw.RLock()
	neg := a.balance < 0
	a.rw.RUnlock()
	if neg {
		a.rw.Lock()
		a.balance = 0
		a.rw.Unlock()
	}
}

// Flagged: a deferred unlock in a loop does not run between iterations.
func deferInLoop(mus []*sync.Mutex, mu *sync.Mutex) {
	for range mus {
		mu.Lock() // want `sync.Mutex.Lock of mu, already held since line \d+ \(its deferred release runs only when the function returns\)`
		defer mu.Unlock()
	}
}

// Silent: the deferred unlock runs each iteration inside a closure.
func deferInClosure(items []int, mu *sync.Mutex) {
	for range items {
		func() {
			mu.Lock()
			defer mu.Unlock()
		}()
	}
}

// Silent: TryLock on a held lock just fails.
func tryHeld(mu *sync.Mutex) bool {
	mu.Lock()
	defer mu.Unlock()
	return mu.TryLock()
}

// Silent: semaphores count; acquiring twice is legal.
func semTwice(ctx context.Context, s *semaphore.Weighted) error {
	if err := s.Acquire(ctx, 1); err != nil {
		return err
	}
	if err := s.Acquire(ctx, 1); err != nil {
		s.Release(1)
		return err
	}
	s.Release(2)
	return nil
}

// Flagged: primitives.Lock is not reentrant either, and a background
// context never gives up.
func primTwice(l *primitives.Lock) error {
	ctx := context.Background()
	l.Lock(ctx)
	defer l.Unlock()
	return l.Lock(ctx) // want `primitives.Lock.Lock of l, already held since line \d+`
}

// Silent: with a context that can be done, the second Lock times out.
func primTimeout(ctx context.Context, l *primitives.Lock) error {
	if err := l.Lock(ctx); err != nil {
		return err
	}
	defer l.Unlock()
	return l.Lock(ctx)
}

// Silent: the second Lock follows a failed first one.
func primRetry(ctx context.Context, l *primitives.Lock) error {
	if err := l.Lock(ctx); err != nil {
		if err := l.Lock(context.Background()); err != nil {
			return err
		}
	}
	l.Unlock()
	return nil
}

// Embedded mutex: flagged through promoted methods.
type guarded struct {
	sync.Mutex
	n int
}

func (g *guarded) incr() {
	g.Lock()
	g.n++
	g.Unlock()
}

func (g *guarded) incrTwice() {
	g.Lock()
	defer g.Unlock()
	g.incr() // want `call of incr acquires g.Mutex \(sync.Mutex.Lock at line \d+\), already held since line \d+`
}

// Generics: flagged in a generic method.
type box[T any] struct {
	mu sync.Mutex
	v  T
}

func (b *box[T]) set(v T) {
	b.mu.Lock()
	b.v = v
	b.mu.Unlock()
}

func (b *box[T]) swap(v T) T {
	b.mu.Lock()
	defer b.mu.Unlock()
	old := b.v
	b.set(v) // want `call of set acquires b.mu`
	return old
}

// Silent: generic function locking a different box.
func copyBox[T any](dst, src *box[T]) {
	src.mu.Lock()
	v := src.v
	src.mu.Unlock()
	dst.set(v)
}

// Closures: flagged inside a literal that locks twice via a captured mutex.
func closure(mu *sync.Mutex) func() {
	return func() {
		mu.Lock()
		mu.Lock() // want `sync.Mutex.Lock of mu, already held since line \d+`
	}
}

// Silent: goroutine locks on its own; the parent released first.
func goroutine(mu *sync.Mutex, done chan struct{}) {
	mu.Lock()
	mu.Unlock()
	go func() {
		mu.Lock()
		defer mu.Unlock()
		close(done)
	}()
}

// Flagged: goto loop that relocks.
func gotoLoop(mu *sync.Mutex, n int) {
again:
	mu.Lock() // want `sync.Mutex.Lock of mu, already held since line \d+ \(an earlier iteration did not release it\)`
	n--
	if n > 0 {
		goto again
	}
	mu.Unlock()
}

// Silent: goto loop that unlocks before jumping back.
func gotoOK(mu *sync.Mutex, n int) {
again:
	mu.Lock()
	n--
	mu.Unlock()
	if n > 0 {
		goto again
	}
}

// Silent: directive.
func ignored(mu *sync.Mutex) {
	mu.Lock()
	mu.Lock() //interleavevet:ignore relock the test wants the deadlock
}

func (a *account) maybeLock(n int) {
	if n > 0 {
		a.mu.Lock()
		a.balance = n
		a.mu.Unlock()
	}
}

// Silent: the callee locks only on some of its paths.
func (a *account) callsMaybe() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.maybeLock(0)
}

// Silent: a mutex used as a signal, unlocked by another goroutine.
func signal(done func()) {
	var mu sync.Mutex
	mu.Lock()
	go func() {
		done()
		mu.Unlock()
	}()
	mu.Lock()
}

type link struct {
	mu     sync.Mutex
	parent *link
}

// Silent: hand-over-hand locking takes a different lock each step.
func climb(l *link) {
	l.mu.Lock()
	for l.parent != nil {
		p := l.parent
		p.mu.Lock()
		l.mu.Unlock()
		l = p
	}
	l.mu.Unlock()
}

// Flagged: the middle function's receiver is captured by a closure
// (go/ssa keeps it in a cell), and the lock it takes through deposit is
// still its caller's a.mu.
func (a *account) outer() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.middle() // want `call of middle acquires a.mu \(sync.Mutex.Lock at line \d+\), already held since line \d+`
}

func (a *account) middle() {
	defer func() { a.balance++ }()
	a.deposit(1)
}

// Flagged: a deferred Lock, a typo for Unlock, runs at the return with
// the lock still held.
func (a *account) deferTypo(v int) {
	a.mu.Lock()
	defer a.mu.Lock() // want `deferred sync.Mutex.Lock of a.mu runs when the function returns, with a.mu still held since line \d+ \(a typo for the release\?\): the lock is not reentrant and this goroutine deadlocks`
	a.balance = v
}

// Flagged on the path that keeps it: one return releases first, the
// other does not.
func (a *account) deferTypoOnePath(v int) {
	a.mu.Lock()
	defer a.mu.Lock() // want `deferred sync.Mutex.Lock of a.mu runs when the function returns`
	if v < 0 {
		a.mu.Unlock()
		return
	}
	a.balance = v
}

// Silent: the caller's lock is dropped around a wait and taken back.
func (a *account) dropAround(ch chan int) int {
	a.mu.Unlock()
	defer a.mu.Lock()
	return <-ch
}

// Silent: released in the body before the deferred Lock runs (and the
// earlier deferred Unlock releases it again).
func (a *account) relockForDefer(ch chan int) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.mu.Unlock()
	defer a.mu.Lock()
	return <-ch
}

// Silent: crypto/tls's Config.initLegacySessionTicketKeyRLocked, called
// with the read lock held, trades it for the write lock and gives it
// back: the deferred Unlock runs before the deferred RLock.
func (a *account) tradeForWrite() {
	a.rw.RUnlock()
	defer a.rw.RLock()
	a.rw.Lock()
	defer a.rw.Unlock()
	a.balance++
}

type vault struct {
	mu sync.Mutex
	n  int
}

func (v *vault) enter() { v.mu.Lock() }
func (v *vault) leave() { v.mu.Unlock() }

// Flagged: the helper takes the lock again.
func (v *vault) nested() {
	v.enter()
	defer v.leave()
	v.enter() // want `call of enter acquires v.mu \(sync.Mutex.Lock at line \d+\), already held since line \d+: the lock is not reentrant and this goroutine deadlocks`
	v.n++
	v.leave()
}

// Silent: taken and given back in turn.
func (v *vault) inTurn() {
	v.enter()
	v.n++
	v.leave()
	v.enter()
	v.n--
	v.leave()
}

var errNoAddr = errors.New("no address")

type broker struct {
	lock sync.Mutex
	conn chan int
}

// open hands its lock to the goroutine it starts, which releases it when
// it has connected (sarama's Broker.Open): no acquire helper.
func (b *broker) open(addr string) error {
	if addr == "" {
		return errNoAddr
	}
	b.lock.Lock()
	go safely(func() {
		defer b.lock.Unlock()
		b.conn = make(chan int)
	})
	return nil
}

// safely runs f, recovering its panic (sarama's withRecover).
func safely(f func()) {
	defer func() { _ = recover() }()
	f()
}

func (b *broker) connected() bool {
	b.lock.Lock()
	defer b.lock.Unlock()
	return b.conn != nil
}

// Silent: open's lock is the goroutine's, not this function's.
func (b *broker) dial() bool {
	if err := b.open("x"); err != nil {
		return false
	}
	return b.connected()
}
