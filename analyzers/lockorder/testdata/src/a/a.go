package a // want package:`\d+ pairs`

import (
	"sync"
)

type Account struct {
	mu  sync.Mutex
	bal int
}

type Bank struct {
	mu       sync.Mutex
	rw       sync.RWMutex
	accounts []*Account
}

// Mu guards the package registry.
var Mu sync.Mutex

// Bank.mu then Account.mu ...
func (b *Bank) Audit() (sum int) { // want Audit:`acquires\(.*\)`
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range b.accounts {
		a.mu.Lock() // one finding for the pair: at Register, the odd one out
		sum += a.bal
		a.mu.Unlock()
	}
	return sum
}

// ... and Account.mu then Bank.mu, through a call.
func (a *Account) Register(b *Bank) { // want Register:`acquires\(a.Account.mu a.Bank.mu\) pairs\(a.Account.mu>a.Bank.mu\)`
	a.mu.Lock()
	defer a.mu.Unlock()
	b.add(a) // want `a.Bank.mu acquired while holding a.Account.mu, but a.Bank.Audit \(a.go:26\) and 1 other site acquire them in the opposite order: potential deadlock`
}

func (b *Bank) add(a *Account) {
	b.mu.Lock()
	b.accounts = append(b.accounts, a)
	b.mu.Unlock()
}

// Same order as Audit: one more site of the one inversion.
func (b *Bank) Total() (sum int) { // want Total:`acquires\(.*\)`
	b.mu.Lock()
	for _, a := range b.accounts {
		a.mu.Lock() // related information of the finding at Register
		sum += a.bal
		a.mu.Unlock()
	}
	b.mu.Unlock()
	return sum
}

// Silent: Account.mu is released before Bank.mu is taken.
func (a *Account) RegisterLater(b *Bank) { // want RegisterLater:`acquires\(.*\)`
	a.mu.Lock()
	a.bal = 0
	a.mu.Unlock()
	b.add(a)
}

// Silent: two accounts, one lock identity (same field of the same type).
func Transfer(from, to *Account, n int) { // want Transfer:`acquires\(.*\)`
	from.mu.Lock()
	to.mu.Lock()
	from.bal -= n
	to.bal += n
	to.mu.Unlock()
	from.mu.Unlock()
}

// Silent: read-read inversion cannot deadlock on its own.
func (b *Bank) ReadBoth(x *Account) { // want ReadBoth:`acquires\(.*\)`
	b.rw.RLock()
	x.mu.Lock()
	x.mu.Unlock()
	b.rw.RUnlock()
}

// Silent: TryLock cannot wait, so it creates no order.
func (a *Account) TryBank(b *Bank) { // want TryBank:`acquires\(.*\)`
	a.mu.Lock()
	defer a.mu.Unlock()
	if b.rw.TryRLock() {
		b.rw.RUnlock()
	}
}

// Silent: local mutexes have no identity across functions.
func Locals() {
	var m1, m2 sync.Mutex
	m1.Lock()
	m2.Lock()
	m2.Unlock()
	m1.Unlock()
}

// Flagged: global Mu then Bank.rw (write) ...
func (b *Bank) Reset() { // want Reset:`acquires\(.*\)`
	Mu.Lock()
	defer Mu.Unlock()
	b.rw.Lock() // want `a.Bank.rw acquired while holding a.Mu`
	b.accounts = nil
	b.rw.Unlock()
}

// ... and Bank.rw then Mu, inside a closure.
func (b *Bank) Snapshot() func() {
	return func() {
		b.rw.RLock()
		defer b.rw.RUnlock()
		Mu.Lock() // related information of the finding at Reset
		Mu.Unlock()
	}
}

// Embedded mutexes, generics, goto and defer in a loop.
type Node[T any] struct {
	sync.Mutex
	v T
}

type Tree[T any] struct {
	mu   sync.Mutex
	root *Node[T]
}

// Flagged: Tree.mu then Node.Mutex (generic, embedded) ...
func (t *Tree[T]) Get() T { // want Get:`acquires\(.*\)`
	t.mu.Lock()
	defer t.mu.Unlock()
	t.root.Lock() // want `a.Node.Mutex acquired while holding a.Tree.mu`
	defer t.root.Unlock()
	return t.root.v
}

// ... and Node.Mutex then Tree.mu, with goto.
func (n *Node[T]) Attach(t *Tree[T]) { // want Attach:`acquires\(.*\)`
	n.Lock()
	if t == nil {
		goto out
	}
	t.mu.Lock() // related information of the finding at Get
	t.root = n
	t.mu.Unlock()
out:
	n.Unlock()
}

type Log struct {
	mu    sync.Mutex
	lines []string
}

type Sink struct {
	mu sync.Mutex
}

// Flagged: defer in a loop keeps Log.mu held while Sink.mu is taken ...
func (l *Log) Flush(s *Sink, n int) { // want Flush:`acquires\(.*\)`
	for i := 0; i < n; i++ {
		l.mu.Lock()
		defer l.mu.Unlock()
		s.mu.Lock() // want `a.Sink.mu acquired while holding a.Log.mu`
		s.mu.Unlock()
	}
}

// ... and Sink.mu then Log.mu.
func (s *Sink) Pull(l *Log) { // want Pull:`acquires\(.*\)`
	s.mu.Lock()
	defer s.mu.Unlock()
	l.mu.Lock() // related information of the finding at Flush
	l.lines = nil
	l.mu.Unlock()
}

// Silent: a goroutine does not hold its parent's locks.
func (s *Sink) Async(l *Log) { // want Async:`acquires\(.*\)`
	s.mu.Lock()
	defer s.mu.Unlock()
	go func() {
		l.mu.Lock()
		l.mu.Unlock()
	}()
}

// Deposit locks the account; package b calls it holding Mu.
func (a *Account) Deposit(n int) { // want Deposit:`acquires\(a.Account.mu\) pairs\(\)`
	a.mu.Lock()
	a.bal += n
	a.mu.Unlock()
}

type Registry struct {
	mu sync.Mutex
}

// Silent here: Registry.mu then Mu; package b inverts it.
func (r *Registry) Sync() { // want Sync:`acquires\(.*\)`
	r.mu.Lock()
	Mu.Lock()
	Mu.Unlock()
	r.mu.Unlock()
}

type half struct {
	sync.Mutex
	buf []byte
}

type conn struct {
	in, out half
	hs      sync.Mutex
}

// Silent: c.in and c.out are fields of the same type but distinct locks.
func (c *conn) read() {
	c.in.Lock()
	defer c.in.Unlock()
	c.hs.Lock()
	c.hs.Unlock()
}

func (c *conn) handshake() {
	c.hs.Lock()
	defer c.hs.Unlock()
	c.out.Lock()
	c.out.Unlock()
}

type pool struct{ mu sync.Mutex }

type pconn struct {
	mu sync.Mutex
	p  *pool
}

func (c *pconn) maybeReturn(ok bool) {
	if ok {
		c.p.mu.Lock()
		c.p.mu.Unlock()
	}
}

// Silent: the callee takes pool.mu on some of its paths only.
func (c *pconn) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.maybeReturn(false)
}

func (p *pool) drain(c *pconn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.mu.Lock()
	c.mu.Unlock()
}
