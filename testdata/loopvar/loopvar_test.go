// Package loopvar is a go 1.20 module: its loop variables are shared by
// all iterations, and must stay so when interleave instruments it under a
// newer go line.
package loopvar

import (
	"sync"
	"testing"
)

func TestSharedLoopVariable(t *testing.T) {
	var mu sync.Mutex
	var got []int
	var fs []func()
	for i := 0; i < 3; i++ {
		fs = append(fs, func() {
			mu.Lock()
			got = append(got, i)
			mu.Unlock()
		})
	}
	for _, f := range fs {
		f()
	}
	for _, v := range got {
		if v != 3 {
			t.Fatalf("got %v: with go 1.20 every closure sees the last value, 3", got)
		}
	}
	ch := make(chan int, 3)
	for i := 0; i < 3; i++ {
		ch <- i
	}
	close(ch)
	var ranged []*int
	for v := range ch {
		ranged = append(ranged, &v)
	}
	if ranged[0] != ranged[2] {
		t.Fatalf("range over a channel: each iteration has its own variable, want one shared (go 1.20)")
	}
}
