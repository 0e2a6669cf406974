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

// Consistent is the check with a hidden assumption: it holds unless the
// third step of b comes before the first of a, and the fourth of c before
// the second of b.
func Consistent(l *Log) bool {
	return !(l.index("b3") < l.index("a1") && l.index("c4") < l.index("b2"))
}
