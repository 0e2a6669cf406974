//go:build !amd64 && !arm64

package engine

// gid returns an identity of the calling goroutine. Without the assembly
// fast path it is the goroutine id parsed from the stack header: right, but
// slow.
func gid() uintptr { return uintptr(slowGoid()) }

// goid returns the runtime goroutine id of the calling goroutine.
func goid() uint64 { return slowGoid() }
