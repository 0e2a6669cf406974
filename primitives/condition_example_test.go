package primitives_test

import (
	"context"
	"fmt"

	"github.com/interleave-go/interleave/primitives"
)

func ExampleCondition() {
	c := primitives.NewCondition(nil) // over a new Lock, c.L
	ctx := context.Background()
	var items []string // guarded by c.L

	done := make(chan struct{})
	go func() {
		defer close(done)
		c.L.Lock(ctx)
		defer c.L.Unlock()
		// WaitFor checks the predicate with c.L held, and waits again
		// after each wake-up until it holds.
		if err := c.WaitFor(ctx, func() bool { return len(items) == 2 }); err != nil {
			return
		}
		fmt.Println("consumer saw:", items)
	}()

	for _, it := range []string{"a", "b"} {
		c.L.Lock(ctx)
		items = append(items, it)
		c.NotifyAll()
		c.L.Unlock()
	}
	<-done
	// Output:
	// consumer saw: [a b]
}
