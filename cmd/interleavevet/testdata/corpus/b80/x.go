package b80

import "sync"

var (
	cacheMu sync.Mutex
	statsMu sync.Mutex
	cache   = map[string]int{}
	hits    int
)

func Lookup(k string) int {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	v := cache[k]
	statsMu.Lock()
	hits++
	statsMu.Unlock()
	return v
}

func Reset() {
	statsMu.Lock()
	defer statsMu.Unlock()
	hits = 0
	cacheMu.Lock() // BUG: stats then cache; Lookup takes cache then stats
	cache = map[string]int{}
	cacheMu.Unlock()
}
