package ok27

import "sync"

type Emitter struct {
	mu        sync.Mutex
	listeners []func(string)
	ch        chan string
}

// emitLocked is called with e.mu held; it drops it while listeners run.
func (e *Emitter) emitLocked(ev string) {
	ls := append([]func(string){}, e.listeners...)
	e.mu.Unlock()
	for _, l := range ls {
		l(ev)
	}
	e.ch <- ev
	e.mu.Lock()
}

func (e *Emitter) Emit(ev string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.emitLocked(ev)
}
