package golden

import (
	"fmt"
	"strings"
)

type intChan chan int

func init() {
	register("channels", func() string {
		ch := make(chan int, 3)
		ch <- 1
		ch <- 2
		ch <- 3
		v := <-ch
		w, ok := <-ch
		var x int
		x, ok = <-ch, true
		l, c := len(ch), cap(ch)
		ch <- 4
		close(ch)
		var z, ok2 = <-ch
		_, ok3 := <-ch
		named := make(intChan, 1)
		named <- 9
		var in <-chan int = named
		y := <-in + <-func() chan int { c := make(chan int, 1); c <- 1; return c }()
		return fmt.Sprint(v, w, ok, x, l, c, z, ok2, ok3, y)
	})
	register("range", func() string {
		ch := make(chan string, 5)
		for _, s := range []string{"a", "b", "c", "d"} {
			ch <- s
		}
		close(ch)
		var b strings.Builder
		var funcs []func() string
	loop:
		for s := range ch {
			switch s {
			case "b":
				continue loop
			case "d":
				break loop
			}
			funcs = append(funcs, func() string { return s })
			b.WriteString(s)
		}
		for _, f := range funcs {
			b.WriteString(f())
		}
		ch2 := make(chan int, 2)
		ch2 <- 1
		ch2 <- 2
		close(ch2)
		var last int
		for last = range ch2 {
		}
		ch3 := make(chan bool, 1)
		ch3 <- true
		close(ch3)
		count := 0
		for range ch3 {
			count++
		}
		return fmt.Sprint(b.String(), last, count)
	})
}
