package b25

import "sync"

type Logger struct {
	mu    sync.Mutex
	lines []string
	done  chan struct{}
}

func (l *Logger) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	<-l.done // BUG: waits for the flusher with the lock held
}

func (l *Logger) flusher() {
	l.mu.Lock()
	l.lines = nil
	l.mu.Unlock()
	close(l.done)
}
