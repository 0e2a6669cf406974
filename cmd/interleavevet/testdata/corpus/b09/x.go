package b09

import (
	"io"
	"net/http"
	"sync"
)

type Fetcher struct {
	mu    sync.Mutex
	cache map[string][]byte
}

func (f *Fetcher) Get(url string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b, ok := f.cache[url]; ok {
		return b, nil
	}
	resp, err := http.Get(url) // BUG: network I/O under the lock
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	f.cache[url] = b
	return b, err
}
