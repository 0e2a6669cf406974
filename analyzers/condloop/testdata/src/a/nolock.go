package a

import "sync"

// Waits that no caller can hold the lock for.

type Gate struct {
	mu   sync.Mutex
	cond *sync.Cond
	open bool
}

func NewGate() *Gate {
	g := &Gate{}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// Wait blocks until the gate opens. (Flagged: it takes no mutex, and no
// other package can take g.mu for it.)
func (g *Gate) Wait() {
	for !g.open {
		g.cond.Wait() // want `sync.Cond.Wait in Wait, which takes no lock and no caller can lock for it: Wait unlocks the lock it was made with, and unlocking an unlocked mutex is a fatal error`
	}
}

// Flagged: a goroutine holds no lock its starter held.
func (g *Gate) watch(done chan struct{}) {
	go func() {
		for !g.open {
			g.cond.Wait() // want `sync.Cond.Wait in watch\$1, which takes no lock and runs as a goroutine`
		}
		close(done)
	}()
}

// waitOpen is called with g.mu held. Silent.
func (g *Gate) waitOpen() {
	for !g.open {
		g.cond.Wait()
	}
}

// Silent: a caller takes the lock.
func (g *Gate) Pass() {
	g.mu.Lock()
	g.waitOpen()
	g.mu.Unlock()
}

// Latch embeds its mutex: other packages lock it themselves.
type Latch struct {
	sync.Mutex
	cond *sync.Cond
	set  bool
}

// Await must be called with the latch locked. Silent.
func (l *Latch) Await() {
	for !l.set {
		l.cond.Wait()
	}
}

// Block is the same, under another name. Silent: Latch has Lock.
func (l *Latch) Block() {
	for !l.set {
		l.cond.Wait()
	}
}
