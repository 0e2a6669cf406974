package engine

import "testing"

func TestGoidMatchesStackHeader(t *testing.T) {
	for i := range 5 {
		ch := make(chan [2]uint64)
		go func() { ch <- [2]uint64{goid(), slowGoid()} }()
		got := <-ch
		if got[0] != got[1] || got[0] == 0 {
			t.Fatalf("probe %d: goid = %d, want %d (from stack header)", i, got[0], got[1])
		}
	}
}

func TestGidDistinguishesGoroutines(t *testing.T) {
	ch := make(chan uintptr)
	go func() { ch <- gid() }()
	other := <-ch
	if self := gid(); self == other || self == 0 {
		t.Fatalf("gid of two live goroutines: %#x and %#x, want distinct and non-zero", self, other)
	}
	if a, b := gid(), gid(); a != b {
		t.Fatalf("gid of one goroutine changed: %#x then %#x", a, b)
	}
}
