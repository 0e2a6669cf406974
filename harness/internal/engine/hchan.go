package engine

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// The engine decides whether a channel operation can proceed without
// blocking by looking at the channel itself: its count, capacity, whether
// it is closed and whether goroutines outside the harness wait on it. Go
// offers no API for "is closed" or "has waiters", so these read the
// runtime's hchan header. The layout below is the runtime's since Go 1.14
// and is checked once by checkHchanLayout; a mismatch turns every
// exploration into a clear error rather than a wrong answer.
type hchanHeader struct {
	qcount   uint
	dataqsiz uint
	buf      unsafe.Pointer
	elemsize uint16
	closed   uint32
	timer    unsafe.Pointer
	elemtype unsafe.Pointer
	sendx    uint
	recvx    uint
	recvq    waitq
	sendq    waitq
}

type waitq struct {
	first unsafe.Pointer
	last  unsafe.Pointer
}

// chanState is a snapshot of a channel as the engine sees it.
type chanState struct {
	count, capacity int
	closed          bool
	outsideRecv     bool // a goroutine is parked in the runtime receiving
	outsideSend     bool // a goroutine is parked in the runtime sending
}

//go:norace
func peekChan(c unsafe.Pointer) chanState {
	h := (*hchanHeader)(c)
	return chanState{
		count:       int(atomic.LoadUintptr((*uintptr)(unsafe.Pointer(&h.qcount)))),
		capacity:    int(h.dataqsiz),
		closed:      atomic.LoadUint32(&h.closed) != 0,
		outsideRecv: atomic.LoadPointer(&h.recvq.first) != nil,
		outsideSend: atomic.LoadPointer(&h.sendq.first) != nil,
	}
}

// chanPtr returns the runtime channel a channel value refers to.
func chanPtr[C any](ch C) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&ch)) }

// checkHchanLayout verifies the hchan layout assumptions against channels
// in known states.
func checkHchanLayout() error {
	c := make(chan int, 3)
	c <- 1
	s := peekChan(chanPtr(c))
	if s.count != 1 || s.capacity != 3 || s.closed || s.outsideRecv || s.outsideSend {
		return fmt.Errorf("buffered channel with one element reads as %+v", s)
	}
	close(c)
	if s = peekChan(chanPtr(c)); !s.closed {
		return fmt.Errorf("closed channel reads as %+v", s)
	}
	u := make(chan int)
	done := make(chan bool)
	go func() { <-u; done <- true }()
	for i := 0; !peekChan(chanPtr(u)).outsideRecv; i++ {
		if i > 1e6 {
			return fmt.Errorf("receiver parked on unbuffered channel never shows in recvq")
		}
		runtime.Gosched()
	}
	u <- 1
	<-done
	return nil
}
