package golden

import (
	"fmt"
	"sync"
)

type worker struct{ id int }

func (w worker) run(out chan<- string, n int) { out <- fmt.Sprint("worker ", w.id, " got ", n) }

func generic[T any](out chan<- string, v T) { out <- fmt.Sprint("generic ", v) }

func init() {
	register("go statements", func() string {
		out := make(chan string, 10)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			out <- "literal"
		}()
		wg.Wait()
		n := 1
		go func(v int) { out <- fmt.Sprint("argument ", v) }(n)
		n = 2 // the goroutine got the value at the go statement
		first := fmt.Sprint(<-out, <-out)
		w := worker{id: 7}
		go w.run(out, n)
		w = worker{id: 8} // the method value was bound at the go statement
		go generic(out, 3.5)
		f := func(s string) { out <- s }
		go f("function value")
		done := make(chan bool)
		go close(done)
		<-done
		res := []string{}
		for range 3 {
			res = append(res, <-out)
		}
		return fmt.Sprint(first, len(res), w.id)
	})
}
