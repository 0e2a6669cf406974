package golden

import (
	"fmt"
	"sync"
)

type counter struct {
	sync.Mutex
	n int
}

type pcounter struct {
	*sync.RWMutex
	n int
}

type nested struct{ c counter }

type locker interface {
	Lock()
	Unlock()
}

func init() {
	register("mutex", func() string {
		var mu sync.Mutex
		mu.Lock()
		ok := mu.TryLock()
		mu.Unlock()
		c := &counter{}
		c.Lock()
		c.n++
		c.Unlock()
		var n nested
		n.c.Lock()
		n.c.n = 2
		n.c.Unlock()
		p := pcounter{RWMutex: new(sync.RWMutex)}
		p.RLock()
		p.n = 3
		p.RUnlock()
		func() {
			mu.Lock()
			defer mu.Unlock()
			c.n++
		}()
		lock, unlock := mu.Lock, mu.Unlock
		lock()
		again := mu.TryLock()
		unlock()
		(*sync.Mutex).Lock(&mu)
		(*sync.Mutex).Unlock(&mu)
		var l sync.Locker = &mu
		l.Lock()
		l.Unlock()
		var mine locker = c
		mine.Lock()
		mine.Unlock()
		return fmt.Sprint(ok, again, c.n, n.c.n, p.n)
	})
	register("rwmutex", func() string {
		var rw sync.RWMutex
		rw.RLock()
		rw.RLock()
		r := rw.TryLock()
		rw.RUnlock()
		rw.RUnlock()
		rw.Lock()
		rr := rw.TryRLock()
		rw.Unlock()
		rl := rw.RLocker()
		rl.Lock()
		w := rw.TryLock()
		rl.Unlock()
		ok := rw.TryLock()
		rw.Unlock()
		return fmt.Sprint(r, rr, w, ok)
	})
}
