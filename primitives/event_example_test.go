package primitives_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/interleave-go/interleave/primitives"
)

func ExampleEvent() {
	var (
		ready primitives.Event // clear at zero value
		mu    sync.Mutex
		woken int
		wg    sync.WaitGroup
	)
	for range 3 {
		wg.Go(func() {
			if err := ready.Wait(context.Background()); err != nil {
				return
			}
			mu.Lock()
			woken++
			mu.Unlock()
		})
	}
	ready.Set() // wakes every waiter, now and later, until Clear
	wg.Wait()
	fmt.Println("woken:", woken, "set:", ready.IsSet())
	ready.Clear()
	fmt.Println("set after Clear:", ready.IsSet())
	// Output:
	// woken: 3 set: true
	// set after Clear: false
}
