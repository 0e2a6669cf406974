package ok31

import "sync"

type Broker struct {
	mu     sync.Mutex
	subs   map[int]chan string
	closed bool
}

func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for id, ch := range b.subs {
		close(ch)
		delete(b.subs, id)
	}
}
