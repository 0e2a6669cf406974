package b10

import "sync"

type Registry struct {
	mu    sync.Mutex
	names map[string]int
}

func (r *Registry) Has(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.names[name]
	return ok
}

func (r *Registry) Add(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Has(name) { // BUG: Has locks r.mu again
		return
	}
	r.names[name] = len(r.names)
}
