// Package closedsend merges the output of producers into one channel.
package closedsend

import "sync"

// Merge sends every value of the inputs on out and closes out once every
// producer is done.
func Merge(inputs ...[]int) <-chan int {
	out := make(chan int, 16)
	var wg sync.WaitGroup
	for _, in := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, v := range in {
				out <- v
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}
