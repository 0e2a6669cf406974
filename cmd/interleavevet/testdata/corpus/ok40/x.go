package ok40

import "sync"

type Users struct {
	mu   sync.RWMutex
	byID map[int]string
}

func (u *Users) Rename(id int, name string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, ok := u.byID[id]; !ok {
		return false
	}
	u.byID[id] = name
	return true
}

func (u *Users) Name(id int) (string, bool) {
	u.mu.RLock()
	n, ok := u.byID[id]
	u.mu.RUnlock()
	return n, ok
}
