// Package pipeline runs two stages that signal each other with events.
package pipeline

import (
	"context"

	"github.com/interleave-go/interleave/primitives"
)

// Run has a producer stage fill a batch and a consumer stage sum it, and
// returns the sum. The producer signals "ready" once the batch is whole.
func Run(items []int) int {
	batch := make([]int, len(items))
	var ready, done primitives.Event
	sum := 0
	go func() {
		copy(batch, items)
		ready.Set()
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
