package a

import "sync"

// Locks taken both ways along two fields the package keeps as each
// other's inverse.

type treeNode struct {
	mu       sync.Mutex
	children []*treeNode
	parent   *treeNode
	value    int
}

func (n *treeNode) add(c *treeNode) {
	n.mu.Lock()
	defer n.mu.Unlock()
	c.parent = n
	n.children = append(n.children, c)
}

// sum goes down: the node's lock, then each child's.
func (n *treeNode) sum() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := n.value
	for _, c := range n.children {
		s += c.sum()
	}
	return s
}

// Flagged: it goes up, the node's lock then its parent's.
func (n *treeNode) set(v int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.value = v
	if n.parent != nil {
		n.parent.mu.Lock() // want `a.treeNode.mu of the parent acquired while holding its owner's, but a.treeNode.sum \(linked.go:\d+\) takes them the other way round, through children, which the package keeps as the inverse of parent: one goroutine going each way deadlocks`
		n.parent.value++
		n.parent.mu.Unlock()
	}
}

// A binary tree is only ever locked downwards. Silent.
type binNode struct {
	mu          sync.Mutex
	left, right *binNode
	n           int
}

func (b *binNode) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.n
	if b.left != nil {
		c += b.left.count()
	}
	if b.right != nil {
		c += b.right.count()
	}
	return c
}

// A doubly linked list walked forwards only. Silent.
type dnode struct {
	mu         sync.Mutex
	prev, next *dnode
	v          int
}

func (d *dnode) insertAfter(m *dnode) {
	d.mu.Lock()
	defer d.mu.Unlock()
	m.next = d.next
	m.prev = d
	d.next = m
}

func (d *dnode) bumpNext() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.next != nil {
		d.next.mu.Lock()
		d.next.v++
		d.next.mu.Unlock()
	}
}

// A doubly linked list walked both ways: flagged once.
type lnode struct {
	mu         sync.Mutex
	prev, next *lnode
	v          int
}

func (l *lnode) link(m *lnode) {
	l.next = m
	m.prev = l
}

func (l *lnode) pushForward() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.next != nil {
		l.next.mu.Lock() // want `a.lnode.mu of the next acquired while holding its owner's, but a.lnode.pullBack \(linked.go:\d+\) takes them the other way round, through prev`
		l.next.v += l.v
		l.next.mu.Unlock()
	}
}

func (l *lnode) pullBack() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.prev != nil {
		l.prev.mu.Lock()
		l.v += l.prev.v
		l.prev.mu.Unlock()
	}
}
