package b34

import "sync"

var (
	usersMu  sync.Mutex
	groupsMu sync.Mutex
	users    = map[string][]string{}
	groups   = map[string][]string{}
)

func AddUserToGroup(u, g string) {
	usersMu.Lock()
	defer usersMu.Unlock()
	groupsMu.Lock()
	defer groupsMu.Unlock()
	users[u] = append(users[u], g)
	groups[g] = append(groups[g], u)
}

func DeleteGroup(g string) {
	groupsMu.Lock()
	defer groupsMu.Unlock()
	usersMu.Lock() // BUG: opposite order
	defer usersMu.Unlock()
	for _, u := range groups[g] {
		delete(users, u)
	}
	delete(groups, g)
}
