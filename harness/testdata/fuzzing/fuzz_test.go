// Package fuzzing has a fuzz target whose input is a schedule; the
// harness's tests copy it into a module of its own and fuzz it.
package fuzzing

import (
	"os"
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

func TestMain(m *testing.M) {
	rt.MarkInstrumented() // the program calls the runtime ABI by hand
	os.Exit(m.Run())
}

// FuzzLostUpdate has two goroutines increment a counter in two critical
// sections each: a schedule that runs one between the other's read and
// write loses an update.
func FuzzLostUpdate(f *testing.F) {
	harness.Fuzz(f, func(t *harness.T) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		n := 0
		rt.WaitGroupAdd(&wg, 2)
		for range 2 {
			rt.Go(func() {
				defer rt.WaitGroupDone(&wg)
				rt.Lock(&mu)
				v := n
				rt.Unlock(&mu)
				rt.Lock(&mu)
				n = v + 1
				rt.Unlock(&mu)
			})
		}
		rt.WaitGroupWait(&wg)
		if n != 2 {
			t.Errorf("n = %d, want 2", n)
		}
	})
}
