package primitives

// noCopy makes go vet's copylocks check report copies of the struct that
// embeds it. A copied primitive would have its own state and waiter list,
// so a goroutine blocked on the original would never hear from the copy.
// It has no size and no behaviour; see sync.noCopy for the same idiom.
type noCopy struct{}

// Lock is a no-op used by the copylocks check.
func (*noCopy) Lock() {}

// Unlock is a no-op used by the copylocks check.
func (*noCopy) Unlock() {}
