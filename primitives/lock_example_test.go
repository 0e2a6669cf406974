package primitives_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/interleave-go/interleave/primitives"
)

func ExampleLock() {
	var (
		l       primitives.Lock // ready at zero value
		counter int             // guarded by l
		wg      sync.WaitGroup
	)
	ctx := context.Background()
	for range 10 {
		wg.Go(func() {
			if err := l.Lock(ctx); err != nil {
				return
			}
			defer l.Unlock()
			counter++
		})
	}
	wg.Wait()
	fmt.Println("counter:", counter)

	// A deadline on getting in.
	l.Lock(ctx)
	tctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	fmt.Println("second Lock:", l.Lock(tctx))
	fmt.Println("TryLock:", l.TryLock())
	l.Unlock()
	// Output:
	// counter: 10
	// second Lock: context deadline exceeded
	// TryLock: false
}

func ExampleRWLock() {
	var (
		rw     primitives.RWLock
		config = map[string]string{"mode": "fast"} // guarded by rw
		wg     sync.WaitGroup
	)
	ctx := context.Background()
	for range 3 {
		wg.Go(func() {
			if err := rw.RLock(ctx); err != nil {
				return
			}
			defer rw.RUnlock()
			_ = config["mode"] // readers share the lock
		})
	}
	wg.Wait()

	if err := rw.Lock(ctx); err == nil {
		config["mode"] = "safe"
		rw.Unlock()
	}
	rw.RLock(ctx)
	fmt.Println("mode:", config["mode"])
	fmt.Println("TryLock beside a reader:", rw.TryLock())
	rw.RUnlock()
	// Output:
	// mode: safe
	// TryLock beside a reader: false
}
