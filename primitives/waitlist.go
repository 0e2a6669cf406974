package primitives

// waiter is one goroutine blocked in a primitive. It is granted by closing
// ready while the primitive's mutex is held, and whatever it was granted (an
// item, an error) is stored in val before the close, so the waiter reads it
// after the close without a data race.
type waiter[T any] struct {
	next, prev *waiter[T]
	ready      chan struct{}
	val        T
}

func newWaiter[T any](val T) *waiter[T] {
	return &waiter[T]{ready: make(chan struct{}), val: val}
}

// granted reports whether w has been granted. Called with the primitive's
// mutex held, it tells a waiter whose context was cancelled whether it lost
// the race with a grant: if so the waiter keeps what it was given, so that a
// grant is never dropped on the floor.
func (w *waiter[T]) granted() bool {
	select {
	case <-w.ready:
		return true
	default:
		return false
	}
}

// waitList is an intrusive FIFO list of waiters. Intrusive, rather than
// container/list, so that queueing costs one allocation (the waiter) besides
// its channel, and removing a cancelled waiter from the middle is O(1).
// The zero value is an empty list.
type waitList[T any] struct {
	head, tail *waiter[T]
	n          int
}

func (l *waitList[T]) len() int { return l.n }

func (l *waitList[T]) front() *waiter[T] { return l.head }

func (l *waitList[T]) pushBack(w *waiter[T]) {
	w.prev, w.next = l.tail, nil
	if l.tail == nil {
		l.head = w
	} else {
		l.tail.next = w
	}
	l.tail = w
	l.n++
}

// remove unlinks w, which must be in l.
func (l *waitList[T]) remove(w *waiter[T]) {
	if w.prev == nil {
		l.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		l.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.next, w.prev = nil, nil
	l.n--
}

// popFront removes and returns the first waiter, or nil.
func (l *waitList[T]) popFront() *waiter[T] {
	w := l.head
	if w != nil {
		l.remove(w)
	}
	return w
}

// ctxDone reports whether done, a context's Done channel, is closed. A nil
// channel (context.Background) is never done. Every blocking call checks it
// first so that a call whose context is already done fails without touching
// the primitive, even when it could have proceeded at once, as
// golang.org/x/sync/semaphore does: a loop that stops on the first error
// then stops, instead of running on for as long as the primitive is free.
func ctxDone(done <-chan struct{}) bool {
	if done == nil {
		return false
	}
	select {
	case <-done:
		return true
	default:
		return false
	}
}
