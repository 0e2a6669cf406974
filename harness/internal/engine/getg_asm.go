//go:build amd64 || arm64

package engine

import (
	"sync"
	"unsafe"
)

// getg returns the runtime's g structure of the calling goroutine.
func getg() unsafe.Pointer

// gid returns a cheap identity of the calling goroutine, unique among live
// goroutines: the address of its g structure, which never moves.
func gid() uintptr { return uintptr(getg()) }

// goid returns the runtime goroutine id of the calling goroutine, the
// number that stack dumps print.
//
//go:nocheckptr
func goid() uint64 {
	if off := goidOffset(); off >= 0 {
		return *(*uint64)(unsafe.Add(getg(), off))
	}
	return slowGoid()
}

// goidOffset is the offset of the goroutine id inside the runtime's g
// structure, found at first use by looking for the id parsed from stack
// headers among the words of several goroutines' g; -1 if no offset fits
// all of them (goid then parses stacks, which is slow but right).
var goidOffset = sync.OnceValue(findGoidOffset)

//go:nocheckptr
func findGoidOffset() int {
	const words, probes = 32, 3
	hits := make(map[int]int)
	for range probes {
		ch := make(chan []int)
		go func() { ch <- goidCandidates(words) }()
		for _, off := range <-ch {
			hits[off]++
		}
	}
	best := -1
	for off, n := range hits {
		if n == probes && (best < 0 || off < best) {
			best = off
		}
	}
	return best
}

// goidCandidates returns the offsets of the words of the calling
// goroutine's g that hold its id.
//
//go:nocheckptr
func goidCandidates(words int) []int {
	id, gp := slowGoid(), getg()
	var offs []int
	for w := range words {
		if id != 0 && *(*uint64)(unsafe.Add(gp, w*8)) == id {
			offs = append(offs, w*8)
		}
	}
	return offs
}
