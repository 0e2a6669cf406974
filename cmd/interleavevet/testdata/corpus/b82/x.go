package b82

import "sync"

type Node struct {
	mu       sync.Mutex
	children []*Node
	parent   *Node
	value    int
}

func (n *Node) Add(c *Node) {
	n.mu.Lock()
	defer n.mu.Unlock()
	c.parent = n
	n.children = append(n.children, c)
}

func (n *Node) Sum() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := n.value
	for _, c := range n.children {
		s += c.Sum()
	}
	return s
}

func (n *Node) SetValue(v int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.value = v
	if n.parent != nil {
		n.parent.mu.Lock() // BUG: child then parent; Sum goes parent then child
		n.parent.value++
		n.parent.mu.Unlock()
	}
}
