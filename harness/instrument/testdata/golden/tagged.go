//go:build !nonesuch

package golden

import "fmt"

func init() {
	register("build constraint", func() string {
		ch := make(chan int, 1)
		ch <- 1
		return fmt.Sprint(<-ch)
	})
}
