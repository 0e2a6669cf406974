package primitives_test

import (
	"context"
	"fmt"
	"time"

	"github.com/interleave-go/interleave/primitives"
)

func ExampleLimiter() {
	// One event a second on average, in bursts of up to 3.
	l := primitives.NewLimiter(time.Second, 3)
	fmt.Println(l.Allow(), l.Allow(), l.Allow(), l.Allow()) // the bucket starts full

	// The next token is a second away: a shorter deadline fails, and
	// takes nothing.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	fmt.Println(l.Wait(ctx))
	// Output:
	// true true true false
	// context deadline exceeded
}

// Reserve takes a place in line without blocking; the holder acts when its
// Delay has passed, or cancels to hand the place on.
func ExampleLimiter_Reserve() {
	l := primitives.NewLimiter(time.Minute, 1)
	first := l.Reserve()
	second := l.Reserve()
	third := l.Reserve()
	fmt.Println(first.Delay(), second.Delay().Round(time.Minute), third.Delay().Round(time.Minute))
	second.Cancel()
	fmt.Println("after cancelling the second:", third.Delay().Round(time.Minute))
	// Output:
	// 0s 1m0s 2m0s
	// after cancelling the second: 1m0s
}
