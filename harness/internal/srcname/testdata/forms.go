// Each line with a "want" comment is a question of srcname_test.go and its
// answer: the operation (or case N of a select, or started), then what the
// line calls its object ("" for no name).
package forms

import (
	"context"
	"sync"
	at "sync/atomic"
	"time"
)

type account struct {
	mu      sync.Mutex
	n       int64
	c       at.Int64
	ch      chan int
	entries map[string]*sync.Mutex
}

func Transfer(from, to *account) {
	from.mu.Lock()         // want Lock from.mu
	defer from.mu.Unlock() // want Unlock from.mu
	to.mu.Lock()           // want Lock to.mu
	defer to.mu.Unlock()
	at.AddInt64(&from.n, 1) // want atomic store from.n
	from.c.Add(1)           // want atomic store from.c
	_ = to.c.Load()         // want atomic load to.c
	p := &to.n
	at.StoreInt64(p, 2) // want atomic store *p
}

func forms(a, b *account, wg *sync.WaitGroup, ctx context.Context, k string) {
	func() { a.mu.Lock(); b.mu.Lock() }()   // want Lock ""
	func() { a.mu.Lock(); a.mu.Unlock() }() // want Lock a.mu
	a.entries[k].Lock()                     // want Lock a.entries[k]
	getMu().Lock()                          // want Lock ""
	a.ch <- 1                               // want send a.ch
	v := <-a.ch                             // want receive a.ch
	<-ctx.Done()                            // want receive ctx.Done()
	close(a.ch)                             // want close a.ch
	for range a.ch {                        // want receive a.ch
	}
	x, y := <-a.ch, <-b.ch          // want receive ""
	_ = len(a.ch)                   // want len a.ch
	t := time.NewTimer(time.Second) // want new timer t
	t.Stop()                        // want Stop t
	wg.Wait()                       // want Wait wg
	_, _, _ = v, x, y
	select {
	case z := <-a.ch: // want case0 a.ch
		_ = z
	case b.ch <- f( // want case1 b.ch
		1): // want case1 b.ch
	default:
		<-b.ch // want case0 ""
	}
	averyveryverylongname.withaveryverylongfield.Lock() // want Lock ""
}

func goroutines(a, b *account, wg *sync.WaitGroup) {
	go Transfer(a, b)                               // want started Transfer
	go func() { defer wg.Done(); Transfer(b, a) }() // want started Transfer
	go func() {                                     // want started ""
		Transfer(a, b)
		Transfer(b, a)
	}()
	go func() { a.ch <- f(1) }()        // want started f
	wg.Go(func() { a.run() })           // want started a.run
	func() { go a.run(); go b.run() }() // want started ""
	wg.Go(worker)                       // want started worker
}
