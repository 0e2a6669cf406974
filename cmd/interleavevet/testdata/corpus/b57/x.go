package b57

import (
	"os/exec"
	"sync"
)

type Runner struct {
	mu   sync.Mutex
	last error
}

func (r *Runner) Run(name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = exec.Command(name).Run() // BUG: process under the lock
	return r.last
}
