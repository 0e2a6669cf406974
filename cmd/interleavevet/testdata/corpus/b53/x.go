package b53

import "sync"

type Q struct {
	mu1, mu2 sync.Mutex
	cond     *sync.Cond
	ready    bool
}

func New() *Q {
	q := &Q{}
	q.cond = sync.NewCond(&q.mu1)
	return q
}

func (q *Q) Wait() {
	q.mu2.Lock()
	defer q.mu2.Unlock()
	for !q.ready {
		q.cond.Wait() // BUG: holds mu2, the cond's lock is mu1
	}
}
