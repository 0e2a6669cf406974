// Package ordering runs three stages that each log their steps; a check at
// the end assumes an order that only two precise preemptions break.
package ordering

import "sync"

// Log records events in order.
type Log struct {
	mu     sync.Mutex
	events []string
}

func (l *Log) add(e string) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *Log) index(e string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, x := range l.events {
		if x == e {
			return i
		}
	}
	return -1
}

// Run runs the stages, each logging its steps.
func Run(steps int) *Log {
	l := &Log{}
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range steps {
				l.add(name + string(rune('0'+i)))
			}
		}()
	}
	wg.Wait()
	return l
}

// Consistent checks only what the stages promise: each stage's own steps
// are in order.
func Consistent(l *Log) bool {
	for _, s := range []string{"a", "b", "c"} {
		for i := 1; i < 6; i++ {
			if l.index(s+string(rune('0'+i))) < l.index(s+string(rune('0'+i-1))) {
				return false
			}
		}
	}
	return true
}
