// Package rwrecursive is a registry read under an RWMutex.
package rwrecursive

import "sync"

// Registry maps names to ids.
type Registry struct {
	mu    sync.RWMutex
	names map[string]int
}

// New returns an empty registry.
func New() *Registry { return &Registry{names: make(map[string]int)} }

// Add registers a name.
func (r *Registry) Add(name string, id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names[name] = id
}

// Lookup returns the id of a name, and whether it is known, under one
// read lock.
func (r *Registry) Lookup(name string) (int, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	id, ok := r.names[name]
	return id, ok
}

// Has reports whether a name is known.
func (r *Registry) Has(name string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.names[name]
	return ok
}
