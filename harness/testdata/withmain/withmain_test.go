// Package withmain is plain Go code whose TestMain calls harness.Main, so
// that plain go test explores it.
package withmain

import (
	"sync"
	"testing"

	"github.com/interleave-go/interleave/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

func TestABBA(t *testing.T) {
	var a, b sync.Mutex
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		a.Lock()
		b.Lock()
		b.Unlock()
		a.Unlock()
	}()
	go func() {
		defer wg.Done()
		b.Lock()
		a.Lock()
		a.Unlock()
		b.Unlock()
	}()
	wg.Wait()
}
