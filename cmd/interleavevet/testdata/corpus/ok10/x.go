package ok10

import (
	"sync"
	"sync/atomic"
)

type Once struct {
	once sync.Once
	done atomic.Bool
	v    int
}

func (o *Once) Get() int {
	o.once.Do(func() { o.v = 42; o.done.Store(true) })
	return o.v
}

type Pool struct {
	wg sync.WaitGroup
}

func (p *Pool) Run(jobs []func()) {
	for _, j := range jobs {
		p.wg.Add(1)
		go func(j func()) {
			defer p.wg.Done()
			j()
		}(j)
	}
	p.wg.Wait()
}
