package a

import "sync"

// Three locks, three orders that close a cycle: each of three
// goroutines can hold one and wait for the next.

var (
	usersMu, groupsMu, rolesMu sync.Mutex
	users, groups, roles       int
)

func usersThenGroups() {
	usersMu.Lock()
	groupsMu.Lock() // want `a.groupsMu acquired while holding a.usersMu closes a cycle of lock orders: a.groupsMu then a.rolesMu in a.groupsThenRoles \(cycles.go:\d+\), a.rolesMu then a.usersMu in a.rolesThenUsers \(cycles.go:\d+\): potential deadlock of 3 goroutines`
	users = groups
	groupsMu.Unlock()
	usersMu.Unlock()
}

func groupsThenRoles() {
	groupsMu.Lock()
	rolesMu.Lock()
	groups = roles
	rolesMu.Unlock()
	groupsMu.Unlock()
}

func rolesThenUsers() {
	rolesMu.Lock()
	usersMu.Lock()
	roles = users
	usersMu.Unlock()
	rolesMu.Unlock()
}

type peer struct {
	mu   sync.Mutex
	name string
}

type hub struct {
	mu     sync.Mutex
	reload sync.RWMutex
	peers  []*peer
}

// Silent: the peer is new, and no other goroutine can hold its lock
// while this one takes the hub's (nats-server's createGateway).
func (s *hub) accept(name string) *peer {
	c := &peer{}
	c.mu.Lock()
	s.reload.RLock()
	c.name = name
	s.reload.RUnlock()
	c.mu.Unlock()
	s.mu.Lock()
	s.peers = append(s.peers, c)
	s.mu.Unlock()
	return c
}

// The other order: the hub's lock, then a peer's.
func (s *hub) names() []string {
	s.reload.Lock()
	defer s.reload.Unlock()
	var out []string
	for _, c := range s.peers {
		c.mu.Lock()
		out = append(out, c.name)
		c.mu.Unlock()
	}
	return out
}
