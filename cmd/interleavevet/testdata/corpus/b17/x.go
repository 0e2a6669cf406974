package b17

import "sync"

type Jobs struct {
	mu      sync.Mutex
	pending []string
}

func (j *Jobs) Drain(skip func(string) bool) []string {
	var out []string
	for i := 0; i < len(j.pending); i++ {
		j.mu.Lock()
		p := j.pending[i]
		if skip(p) {
			continue // BUG: leaves j.mu locked
		}
		out = append(out, p)
		j.mu.Unlock()
	}
	return out
}
