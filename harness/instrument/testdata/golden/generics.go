package golden

import (
	"fmt"
	"sync"
)

type guarded[T any] struct {
	mu sync.Mutex
	v  T
}

func (g *guarded[T]) set(v T) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.v = v
}

func pipe[T any](in []T) []T {
	ch := make(chan T)
	go func() {
		for _, v := range in {
			ch <- v
		}
		close(ch)
	}()
	var out []T
	for v := range ch {
		out = append(out, v)
	}
	return out
}

func withLock[L sync.Locker](l L, f func()) {
	l.Lock()
	defer l.Unlock()
	f()
}

func sendAll[C ~chan E, E any](c C, vs ...E) {
	for _, v := range vs {
		c <- v
	}
}

func init() {
	register("generics", func() string {
		var g guarded[string]
		g.set("x")
		n := 0
		withLock(&sync.Mutex{}, func() { n++ })
		c := make(chan float64, 2)
		sendAll(c, 1, 2.5)
		return fmt.Sprint(g.v, pipe([]int{1, 2, 3}), n, <-c+<-c)
	})
}
