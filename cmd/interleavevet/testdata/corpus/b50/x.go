package b50

import "sync"

type Registry struct {
	sync.RWMutex
	items map[string]int
}

func (r *Registry) Lookup(k string) (int, bool) {
	r.RLock()
	v, ok := r.items[k]
	if !ok {
		return 0, false // BUG
	}
	r.RUnlock()
	return v, true
}
