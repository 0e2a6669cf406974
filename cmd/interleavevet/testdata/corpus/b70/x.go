package b70

import "sync"

type Users struct {
	mu    sync.RWMutex
	byID  map[int]string
	names map[string]int
}

func (u *Users) Rename(id int, name string) bool {
	u.mu.Lock()
	old, ok := u.byID[id]
	if !ok {
		return false // BUG
	}
	delete(u.names, old)
	u.byID[id] = name
	u.names[name] = id
	u.mu.Unlock()
	return true
}
