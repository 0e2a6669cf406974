package b22

import "sync"

type Node struct {
	mu   sync.Mutex
	next *Node
	val  int
}

func (n *Node) Set(v int) {
	n.mu.Lock()
	defer n.mu.Lock() // BUG: typo, should be Unlock
	n.val = v
}
