package ok06

import "sync"

type Node struct {
	mu   sync.Mutex
	next *Node
	val  int
}

// Find walks the list hand over hand.
func Find(head *Node, v int) *Node {
	head.mu.Lock()
	cur := head
	for cur.next != nil {
		next := cur.next
		next.mu.Lock()
		cur.mu.Unlock()
		if next.val == v {
			next.mu.Unlock()
			return next
		}
		cur = next
	}
	cur.mu.Unlock()
	return nil
}
