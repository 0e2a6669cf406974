package primitives

// store is the order a Queue keeps its values in.
type store[T any] interface {
	push(v T)
	pop() T // the store must not be empty
	len() int
}

// fifo is a ring buffer that grows by doubling.
type fifo[T any] struct {
	buf  []T
	head int // index of the oldest value
	n    int
}

func (f *fifo[T]) len() int { return f.n }

func (f *fifo[T]) push(v T) {
	if f.n == len(f.buf) {
		buf := make([]T, max(2*len(f.buf), 8))
		k := copy(buf, f.buf[f.head:])
		copy(buf[k:], f.buf[:f.head])
		f.buf, f.head = buf, 0
	}
	f.buf[(f.head+f.n)%len(f.buf)] = v
	f.n++
}

func (f *fifo[T]) pop() T {
	var zero T
	v := f.buf[f.head]
	f.buf[f.head] = zero // let the value be collected
	f.head = (f.head + 1) % len(f.buf)
	f.n--
	return v
}

// lifo is a stack.
type lifo[T any] struct{ s []T }

func (l *lifo[T]) len() int { return len(l.s) }
func (l *lifo[T]) push(v T) { l.s = append(l.s, v) }
func (l *lifo[T]) pop() T {
	var zero T
	v := l.s[len(l.s)-1]
	l.s[len(l.s)-1] = zero
	l.s = l.s[:len(l.s)-1]
	return v
}

// heap is a binary min-heap by less, made stable by an arrival number so
// that equal values leave in the order they came, which a plain heap does
// not promise.
type heap[T any] struct {
	less func(a, b T) bool
	s    []entry[T]
	seq  uint64
}

type entry[T any] struct {
	v   T
	seq uint64
}

func (h *heap[T]) len() int { return len(h.s) }

func (h *heap[T]) before(i, j int) bool {
	a, b := h.s[i], h.s[j]
	if h.less(a.v, b.v) {
		return true
	}
	if h.less(b.v, a.v) {
		return false
	}
	return a.seq < b.seq
}

func (h *heap[T]) push(v T) {
	h.s = append(h.s, entry[T]{v: v, seq: h.seq})
	h.seq++
	for i := len(h.s) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.before(i, p) {
			break
		}
		h.s[i], h.s[p] = h.s[p], h.s[i]
		i = p
	}
}

func (h *heap[T]) pop() T {
	v := h.s[0].v
	last := len(h.s) - 1
	h.s[0] = h.s[last]
	h.s[last] = entry[T]{}
	h.s = h.s[:last]
	for i := 0; ; {
		m, l, r := i, 2*i+1, 2*i+2
		if l < last && h.before(l, m) {
			m = l
		}
		if r < last && h.before(r, m) {
			m = r
		}
		if m == i {
			break
		}
		h.s[i], h.s[m] = h.s[m], h.s[i]
		i = m
	}
	return v
}
