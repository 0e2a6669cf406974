// Package pipeline runs two stages that signal each other with events.
package pipeline

import (
	"context"

	"github.com/interleave-go/interleave/primitives"
)

// Run has a producer stage fill a batch and a consumer stage sum it, and
// returns the sum. The producer signals "ready" before it writes the last
// item: the consumer can read the batch half written.
func Run(items []int) int {
	batch := make([]int, len(items))
	var ready, done primitives.Event
	sum := 0
	go func() {
		for i, v := range items[:len(items)-1] {
			batch[i] = v
		}
		ready.Set()
		batch[len(items)-1] = items[len(items)-1] // bug: after the signal
	}()
	go func() {
		ready.Wait(context.Background())
		for _, v := range batch {
			sum += v
		}
		done.Set()
	}()
	done.Wait(context.Background())
	return sum
}
