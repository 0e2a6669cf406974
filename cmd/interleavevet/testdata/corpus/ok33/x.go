package ok33

import (
	"sync"

	"golang.org/x/sync/singleflight"
)

type Loader struct {
	g     singleflight.Group
	mu    sync.Mutex
	cache map[string]string
}

func (l *Loader) Get(k string, load func() (string, error)) (string, error) {
	l.mu.Lock()
	if v, ok := l.cache[k]; ok {
		l.mu.Unlock()
		return v, nil
	}
	l.mu.Unlock()
	v, err, _ := l.g.Do(k, func() (any, error) {
		s, err := load()
		if err == nil {
			l.mu.Lock()
			l.cache[k] = s
			l.mu.Unlock()
		}
		return s, err
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}
