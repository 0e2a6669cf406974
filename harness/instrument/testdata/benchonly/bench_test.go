// Package benchonly has benchmarks and no test: interleave test runs its
// test binary with the harness's flags all the same.
package benchonly

import (
	"sync"
	"testing"
)

func BenchmarkLock(b *testing.B) {
	var mu sync.Mutex
	for range b.N {
		mu.Lock()
		mu.Unlock()
	}
}
