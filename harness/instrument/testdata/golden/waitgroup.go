package golden

import (
	"fmt"
	"sync"
)

func init() {
	register("waitgroup", func() string {
		var wg sync.WaitGroup
		var mu sync.Mutex
		sum := 0
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mu.Lock()
				sum += i
				mu.Unlock()
			}()
		}
		wg.Go(func() {
			mu.Lock()
			sum += 10
			mu.Unlock()
		})
		wg.Wait()
		return fmt.Sprint(sum)
	})
	register("cond", func() string {
		var mu sync.Mutex
		c := sync.NewCond(&mu)
		ready := 0
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mu.Lock()
				for ready == 0 {
					c.Wait()
				}
				ready++
				mu.Unlock()
			}()
		}
		mu.Lock()
		ready = 1
		c.Broadcast()
		mu.Unlock()
		wg.Wait()
		mu.Lock()
		c.Signal()
		mu.Unlock()
		return fmt.Sprint(ready)
	})
	register("once", func() string {
		var once sync.Once
		n := 0
		for range 3 {
			once.Do(func() { n++ })
		}
		f := sync.OnceFunc(func() { n += 10 })
		f()
		f()
		v := sync.OnceValue(func() int { n += 100; return n })
		a, b := sync.OnceValues(func() (int, error) { return 5, nil })()
		return fmt.Sprint(v(), v(), a, b)
	})
}
