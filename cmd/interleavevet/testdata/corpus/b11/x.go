package b11

import "sync"

type Buffer struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

func NewBuffer() *Buffer {
	b := &Buffer{}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *Buffer) Take() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.items) == 0 {
		b.cond.Wait() // BUG: not in a loop
	}
	v := b.items[0]
	b.items = b.items[1:]
	return v
}

func (b *Buffer) Put(v int) {
	b.mu.Lock()
	b.items = append(b.items, v)
	b.mu.Unlock()
	b.cond.Signal()
}
