// Package plain explores code that nobody instrumented: the harness must
// say so rather than explore a single schedule.
package plain

import (
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
)

func TestNotInstrumented(t *testing.T) {
	harness.Explore(t, func(t *harness.T) {
		var mu sync.Mutex
		mu.Lock()
		mu.Unlock()
	})
}
