package golden

import "fmt"

var trace []string

func note(s string, v int) int {
	trace = append(trace, s)
	return v
}

func chanOf(s string, c chan int) chan int {
	trace = append(trace, s)
	return c
}

func init() {
	register("select", func() string {
		trace = nil
		a := make(chan int, 1)
		b := make(chan int, 1)
		a <- 5
		b <- 6 // full: only the receive can proceed
		var got []string
		// Operands are evaluated once, in source order.
		select {
		case v := <-chanOf("a", a):
			got = append(got, fmt.Sprint("a ", v))
		case chanOf("b", b) <- note("value", 7):
			got = append(got, "b")
		}
		select {
		case v, ok := <-a:
			got = append(got, fmt.Sprint("a again ", v, ok))
		default:
			got = append(got, "default")
		}
		arr := make([]int, 3)
		i := 0
		next := func() int { i++; return i }
		select {
		case arr[next()] = <-b:
			got = append(got, fmt.Sprint("into ", arr))
		}
		close(a)
		var ok bool
		var v int
		select {
		case v, ok = <-a:
		}
		got = append(got, fmt.Sprint(v, ok))
		var nilc chan int
		select {
		case <-nilc:
			got = append(got, "never")
		case nilc <- 1:
			got = append(got, "never")
		default:
		}
		return fmt.Sprint(got, trace, i)
	})
	register("select control flow", func() string {
		ch := make(chan int, 10)
		for i := range 6 {
			ch <- i
		}
		close(ch)
		var got []int
		n := 0
	outer:
		for {
			n++
			if n > 20 {
				break
			}
		inner:
			select {
			case v, ok := <-ch:
				if !ok {
					break outer
				}
				if v == 1 {
					continue
				}
				if v == 2 {
					break inner
				}
				if v == 4 {
					goto skip
				}
				got = append(got, v)
			skip:
			}
		}
		stop := make(chan struct{})
		close(stop)
		k := 0
	again:
		k++
		select {
		case <-stop:
			if k < 3 {
				goto again
			}
		}
		return fmt.Sprint(got, n, k)
	})
	register("nested select", func() string {
		a, b := make(chan int, 1), make(chan int, 1)
		a <- 1
		b <- 2
		sum := 0
		select {
		case x := <-a:
			select {
			case y := <-b:
				sum = x + y
			}
		}
		return fmt.Sprint(sum)
	})
}
