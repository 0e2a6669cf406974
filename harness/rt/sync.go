package rt

import (
	"sync"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// Go is the go statement: go f() becomes rt.Go(f), with f's arguments
// evaluated before, as the go statement does.
func Go(f func()) {
	if r, h := engine.Current(); r != nil {
		r.Go(h, f)
		return
	}
	go f()
}

// Gosched is runtime.Gosched.
func Gosched() {
	if engine.Active() {
		goschedSlow()
		return
	}
	runtimeGosched()
}

func goschedSlow() {
	if r, h := engine.Current(); r != nil {
		r.Yield(h)
		return
	}
	runtimeGosched()
}

// Lock is (*sync.Mutex).Lock.
func Lock(mu *sync.Mutex) {
	if engine.Active() {
		lockSlow(mu)
		return
	}
	mu.Lock()
}

func lockSlow(mu *sync.Mutex) {
	if r, h := engine.Current(); r != nil {
		r.Lock(h, mu)
		return
	}
	mu.Lock()
}

// Unlock is (*sync.Mutex).Unlock.
func Unlock(mu *sync.Mutex) {
	if engine.Active() {
		unlockSlow(mu)
		return
	}
	mu.Unlock()
}

func unlockSlow(mu *sync.Mutex) {
	if r, h := engine.Current(); r != nil {
		r.Unlock(h, mu)
		return
	}
	mu.Unlock()
}

// TryLock is (*sync.Mutex).TryLock.
func TryLock(mu *sync.Mutex) bool {
	if engine.Active() {
		return tryLockSlow(mu)
	}
	return mu.TryLock()
}

func tryLockSlow(mu *sync.Mutex) bool {
	if r, h := engine.Current(); r != nil {
		return r.TryLock(h, mu)
	}
	return mu.TryLock()
}

// RLock is (*sync.RWMutex).RLock.
func RLock(rw *sync.RWMutex) {
	if engine.Active() {
		rLockSlow(rw)
		return
	}
	rw.RLock()
}

func rLockSlow(rw *sync.RWMutex) {
	if r, h := engine.Current(); r != nil {
		r.RLock(h, rw)
		return
	}
	rw.RLock()
}

// RUnlock is (*sync.RWMutex).RUnlock.
func RUnlock(rw *sync.RWMutex) {
	if engine.Active() {
		rUnlockSlow(rw)
		return
	}
	rw.RUnlock()
}

func rUnlockSlow(rw *sync.RWMutex) {
	if r, h := engine.Current(); r != nil {
		r.RUnlock(h, rw)
		return
	}
	rw.RUnlock()
}

// TryRLock is (*sync.RWMutex).TryRLock.
func TryRLock(rw *sync.RWMutex) bool {
	if engine.Active() {
		return tryRLockSlow(rw)
	}
	return rw.TryRLock()
}

func tryRLockSlow(rw *sync.RWMutex) bool {
	if r, h := engine.Current(); r != nil {
		return r.TryRLock(h, rw)
	}
	return rw.TryRLock()
}

// RWLock is (*sync.RWMutex).Lock.
func RWLock(rw *sync.RWMutex) {
	if engine.Active() {
		rWLockSlow(rw)
		return
	}
	rw.Lock()
}

func rWLockSlow(rw *sync.RWMutex) {
	if r, h := engine.Current(); r != nil {
		r.WLock(h, rw)
		return
	}
	rw.Lock()
}

// RWUnlock is (*sync.RWMutex).Unlock.
func RWUnlock(rw *sync.RWMutex) {
	if engine.Active() {
		rWUnlockSlow(rw)
		return
	}
	rw.Unlock()
}

func rWUnlockSlow(rw *sync.RWMutex) {
	if r, h := engine.Current(); r != nil {
		r.WUnlock(h, rw)
		return
	}
	rw.Unlock()
}

// RWTryLock is (*sync.RWMutex).TryLock.
func RWTryLock(rw *sync.RWMutex) bool {
	if engine.Active() {
		return rWTryLockSlow(rw)
	}
	return rw.TryLock()
}

func rWTryLockSlow(rw *sync.RWMutex) bool {
	if r, h := engine.Current(); r != nil {
		return r.TryWLock(h, rw)
	}
	return rw.TryLock()
}

// RLocker is (*sync.RWMutex).RLocker. The Locker it returns is the
// runtime's, which DynLock and DynUnlock recognize.
func RLocker(rw *sync.RWMutex) sync.Locker { return rw.RLocker() }

// WaitGroupAdd is (*sync.WaitGroup).Add.
func WaitGroupAdd(wg *sync.WaitGroup, delta int) {
	if engine.Active() {
		waitGroupAddSlow(wg, delta)
		return
	}
	wg.Add(delta)
}

func waitGroupAddSlow(wg *sync.WaitGroup, delta int) {
	if r, h := engine.Current(); r != nil {
		r.WaitGroupAdd(h, wg, delta)
		return
	}
	wg.Add(delta)
}

// WaitGroupDone is (*sync.WaitGroup).Done.
func WaitGroupDone(wg *sync.WaitGroup) { WaitGroupAdd(wg, -1) }

// WaitGroupWait is (*sync.WaitGroup).Wait.
func WaitGroupWait(wg *sync.WaitGroup) {
	if engine.Active() {
		waitGroupWaitSlow(wg)
		return
	}
	wg.Wait()
}

func waitGroupWaitSlow(wg *sync.WaitGroup) {
	if r, h := engine.Current(); r != nil {
		r.WaitGroupWait(h, wg)
		return
	}
	wg.Wait()
}

// WaitGroupGo is (*sync.WaitGroup).Go.
func WaitGroupGo(wg *sync.WaitGroup, f func()) {
	WaitGroupAdd(wg, 1)
	Go(func() {
		defer WaitGroupDone(wg)
		f()
	})
}

// CondWait is (*sync.Cond).Wait.
func CondWait(c *sync.Cond) {
	if engine.Active() {
		condWaitSlow(c)
		return
	}
	c.Wait()
}

func condWaitSlow(c *sync.Cond) {
	if r, h := engine.Current(); r != nil {
		r.CondWait(h, c)
		return
	}
	c.Wait()
}

// CondSignal is (*sync.Cond).Signal.
func CondSignal(c *sync.Cond) {
	if engine.Active() {
		condSignalSlow(c)
		return
	}
	c.Signal()
}

func condSignalSlow(c *sync.Cond) {
	if r, h := engine.Current(); r != nil {
		r.CondSignal(h, c)
		return
	}
	c.Signal()
}

// CondBroadcast is (*sync.Cond).Broadcast.
func CondBroadcast(c *sync.Cond) {
	if engine.Active() {
		condBroadcastSlow(c)
		return
	}
	c.Broadcast()
}

func condBroadcastSlow(c *sync.Cond) {
	if r, h := engine.Current(); r != nil {
		r.CondBroadcast(h, c)
		return
	}
	c.Broadcast()
}

// OnceDo is (*sync.Once).Do.
func OnceDo(o *sync.Once, f func()) {
	if r, h := engine.Current(); r != nil {
		r.OnceDo(h, o, f)
		return
	}
	o.Do(f)
}

// OnceFunc is sync.OnceFunc, built on OnceDo so that goroutines calling
// the function while it runs are scheduled rather than blocked in the
// runtime. As sync.OnceFunc, a panic in f is raised again by every call.
func OnceFunc(f func()) func() {
	var (
		once  sync.Once
		valid bool
		p     any
	)
	g := func() {
		defer func() {
			p = recover()
			if !valid {
				panic(p)
			}
		}()
		f()
		f = nil
		valid = true
	}
	return func() {
		OnceDo(&once, g)
		if !valid {
			panic(p)
		}
	}
}

// OnceValue is sync.OnceValue, as OnceFunc.
func OnceValue[T any](f func() T) func() T {
	var result T
	g := OnceFunc(func() { result = f() })
	return func() T {
		g()
		return result
	}
}

// OnceValues is sync.OnceValues, as OnceFunc.
func OnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2) {
	var (
		r1 T1
		r2 T2
	)
	g := OnceFunc(func() { r1, r2 = f() })
	return func() (T1, T2) {
		g()
		return r1, r2
	}
}
