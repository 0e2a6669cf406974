package ok47

import "sync"

type Registry struct {
	mu       sync.Mutex
	handlers map[string]func()
}

func (r *Registry) Dispatch(name string) {
	r.mu.Lock()
	h := r.handlers[name]
	r.mu.Unlock()
	if h != nil {
		h()
	}
}

func (r *Registry) Register(name string, h func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handlers == nil {
		r.handlers = map[string]func(){}
	}
	r.handlers[name] = h
}
