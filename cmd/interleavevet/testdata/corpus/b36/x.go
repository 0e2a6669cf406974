package b36

import "sync"

type shard struct {
	mu sync.Mutex
	m  map[string]int
}

type Sharded struct {
	shards []shard
}

func (s *Sharded) Total() int {
	n := 0
	for _, sh := range s.shards { // BUG: range copies each shard's mutex
		sh.mu.Lock()
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}
