//go:build !race

package engine

import (
	"sync/atomic"
	"unsafe"
)

const raceEnabled = false

func raceDisable()                    {}
func raceEnable()                     {}
func raceReleaseMerge(unsafe.Pointer) {}
func raceAcquire(unsafe.Pointer)      {}
func raceErrors() int                 { return 0 }

func loadGP(p *atomic.Uintptr) uintptr { return p.Load() }
