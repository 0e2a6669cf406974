package ok26

import "sync"

type Index struct {
	mu   sync.Mutex
	keys map[string]int
}

// addLocked adds k. The caller holds ix.mu.
func (ix *Index) addLocked(k string) { ix.keys[k]++ }

func (ix *Index) AddAll(ks []string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, k := range ks {
		ix.addLocked(k)
	}
}
