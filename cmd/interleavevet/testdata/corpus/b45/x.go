package b45

import "sync"

type Room struct {
	mu      sync.Mutex
	members map[string]chan string
}

func (r *Room) Say(from, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, ch := range r.members {
		if name != from {
			r.deliver(ch, msg) // BUG: deliver blocks on an unbuffered channel
		}
	}
}

func (r *Room) deliver(ch chan string, msg string) {
	ch <- msg
}
