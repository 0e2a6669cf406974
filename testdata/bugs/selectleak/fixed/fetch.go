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

// Fetch returns the value, or ErrTimeout after timeout.
func Fetch(timeout time.Duration) (int, error) {
	ch := make(chan int, 1) // the sender never waits for a receiver that gave up
	go func() { ch <- slowCompute() }()
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(timeout):
		return 0, ErrTimeout
	}
}
