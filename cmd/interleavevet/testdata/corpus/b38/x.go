package b38

import "sync"

type Index struct {
	mu   sync.RWMutex
	docs map[string]string
}

func (x *Index) add(k, v string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.docs[k] = v
}

func (x *Index) GetOrAdd(k, def string) string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if v, ok := x.docs[k]; ok {
		return v
	}
	x.add(k, def) // BUG: Lock under RLock
	return def
}
