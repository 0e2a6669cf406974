//go:build !race

package engine

import "unsafe"

const raceEnabled = false

func raceDisable()                    {}
func raceEnable()                     {}
func raceReleaseMerge(unsafe.Pointer) {}
func raceAcquire(unsafe.Pointer)      {}
func raceErrors() int                 { return 0 }
