package syncapi_test

import (
	"testing"

	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

func TestKey(t *testing.T) {
	t.Parallel()
	callee := syncapi.Key{Root: "p0", Path: ".mu", Show: "s.mu"}
	arg := syncapi.Key{Root: "a:t1", Path: ".*.inner", Show: "x.inner"}
	got := callee.Rebase(arg)
	if got.String() != "a:t1.*.inner.mu" || got.Show != "x.inner.mu" {
		t.Errorf("Rebase: got %q (%q), want %q (%q)", got.String(), got.Show, "a:t1.*.inner.mu", "x.inner.mu")
	}
	if i := callee.Param(); i != 0 {
		t.Errorf("Param of %v: got %d, want 0", callee, i)
	}
	if i := arg.Param(); i != -1 {
		t.Errorf("Param of %v: got %d, want -1", arg, i)
	}
	if i := (syncapi.Key{Root: "fv2"}).FreeVar(); i != 2 {
		t.Errorf("FreeVar of fv2: got %d, want 2", i)
	}
	if !(syncapi.Key{Root: "g:net/http.mu"}).Global() {
		t.Errorf("Global of g:net/http.mu: got false, want true")
	}
	prefixes := []struct {
		k, p string
		want bool
	}{
		{".mu", "", true},
		{".mu", ".mu", true},
		{".mux", ".mu", false},
		{".a[2].mu", ".a", true},
		{".a", ".a.mu", false},
		{".mu", ".&", true}, // the cell of a captured parameter reaches what it does
	}
	for _, tt := range prefixes {
		k := syncapi.Key{Root: "p0", Path: tt.k}
		p := syncapi.Key{Root: "p0", Path: tt.p}
		if got := k.HasPrefix(p); got != tt.want {
			t.Errorf("p0%s.HasPrefix(p0%s): got %v, want %v", tt.k, tt.p, got, tt.want)
		}
	}
	// A callee's p0.mu, given the load of the cell of a captured
	// parameter (p1 then the cell's mark): p1.mu.
	cell := syncapi.Key{Root: "p1", Path: ".&", Show: "c"}
	if got := (syncapi.Key{Root: "p0", Path: ".*.mu"}).Rebase(cell); got.String() != "p1.mu" {
		t.Errorf("Rebase on a cell: got %q, want %q", got.String(), "p1.mu")
	}
	if got := syncapi.ShortAbstract("golang.org/x/sync/semaphore.Weighted.mu"); got != "semaphore.Weighted.mu" {
		t.Errorf("ShortAbstract: got %q, want %q", got, "semaphore.Weighted.mu")
	}
}
