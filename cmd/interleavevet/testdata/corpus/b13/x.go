package b13

import "sync"

func process(items []int, wg sync.WaitGroup) { // BUG: WaitGroup by value
	defer wg.Done()
	_ = items
}

func Run(items []int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go process(items, wg)
	wg.Wait()
}
