// Package closedsend merges the output of producers into one channel.
package closedsend

import "sync"

// Merge sends every value of the inputs on out and closes out. It closes
// out as soon as the first producer is done: another may still send.
func Merge(inputs ...[]int) <-chan int {
	out := make(chan int, 16)
	var once sync.Once
	for _, in := range inputs {
		go func() {
			for _, v := range in {
				out <- v
			}
			once.Do(func() { close(out) }) // bug: the others may not be done
		}()
	}
	return out
}
