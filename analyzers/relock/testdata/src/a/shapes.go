package a

import (
	"context"

	"userprim"
)

// chanLock is a lock of this package built on a one-slot channel.
type chanLock struct{ ch chan struct{} }

func (l *chanLock) Lock()   { l.ch <- struct{}{} }
func (l *chanLock) Unlock() { <-l.ch }

type registry struct {
	mu    chanLock
	spin  userprim.SpinLock
	rw    userprim.RW
	names []string
}

func (r *registry) add(n string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names = append(r.names, n)
}

// Flagged: the hand-written lock is not reentrant either.
func (r *registry) addAll(ns []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range ns {
		r.add(n) // want `call of add acquires r.mu \(a.chanLock.Lock at line \d+\), already held since line \d+`
	}
}

// Flagged: a spin lock taken twice.
func (r *registry) spinTwice() {
	r.spin.Lock()
	r.spin.Lock() // want `userprim.SpinLock.Lock of r.spin, already held since line \d+`
	r.spin.Unlock()
}

// Flagged: a write lock under a read lock of a hand-written RW lock.
func (r *registry) upgrade() {
	r.rw.RLock()
	if len(r.names) == 0 {
		r.rw.Lock() // want `userprim.RW.Lock of r.rw, already held since line \d+`
		r.rw.Unlock()
	}
	r.rw.RUnlock()
}

// Flagged: any Locker, locked twice.
func lockerTwice(l userprim.Locker) {
	l.Lock()
	l.Lock() // want `userprim.Locker.Lock of l, already held since line \d+`
}

// Flagged: a context lock with a context that is never done.
func ctxLockTwice(l *userprim.CtxLock) error {
	ctx := context.Background()
	if err := l.Lock(ctx); err != nil {
		return err
	}
	defer l.Unlock()
	return l.Lock(ctx) // want `userprim.CtxLock.Lock of l, already held since line \d+`
}

// Silent: with a context that can be done, the second Lock times out.
func ctxLockTimeout(ctx context.Context, l *userprim.CtxLock) error {
	if err := l.Lock(ctx); err != nil {
		return err
	}
	defer l.Unlock()
	return l.Lock(ctx)
}

// Silent: a gate is a counting semaphore; two slots are legal.
func gateTwice(g *userprim.Gate) {
	g.Acquire()
	g.Acquire()
	g.Release()
	g.Release()
}

// Silent: a widget's Lock does not wait.
func widgetTwice(w *userprim.Widget) {
	w.Lock()
	w.Lock()
	w.Unlock()
}

// Silent: a type with a lock's shape, declared none by directive.
func doorTwice(d *userprim.Door) {
	d.Lock()
	d.Lock()
}

// Silent: TryLock on a held spin lock fails.
func spinTry(l *userprim.SpinLock) bool {
	l.Lock()
	defer l.Unlock()
	return l.TryLock()
}

// Silent: a reentrant lock may be taken again by its holder.
func reentrant(m *userprim.ReentrantMutex) {
	m.Lock()
	defer m.Unlock()
	m.Lock()
	m.Unlock()
}
