package b51

import "sync"

var (
	muA, muB, muC sync.Mutex
	x, y, z       int
)

func AB() { muA.Lock(); muB.Lock(); x = y; muB.Unlock(); muA.Unlock() }
func BC() { muB.Lock(); muC.Lock(); y = z; muC.Unlock(); muB.Unlock() }
func CA() { muC.Lock(); muA.Lock(); z = x; muA.Unlock(); muC.Unlock() } // BUG: cycle A->B->C->A
