// Package selectleak fetches a value with a timeout.
package selectleak

import (
	"errors"
	"time"
)

// ErrTimeout is returned when the value does not come in time.
var ErrTimeout = errors.New("timeout")

// slowCompute takes 10ms to produce its value.
func slowCompute() int {
	time.Sleep(10 * time.Millisecond)
	return 42
}

// Fetch returns the value, or ErrTimeout after timeout. The result channel
// is unbuffered: when the timeout wins, the computing goroutine blocks on
// its send for ever.
func Fetch(timeout time.Duration) (int, error) {
	ch := make(chan int)
	go func() { ch <- slowCompute() }()
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(timeout):
		return 0, ErrTimeout
	}
}
