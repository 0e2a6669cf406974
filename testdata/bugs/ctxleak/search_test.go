package ctxleak

import (
	"context"
	"testing"
	"time"
)

func TestSearch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r, err := Search(ctx, "go")
	if err == nil && r != "result for go" {
		t.Errorf("Search = %q", r)
	}
	if err != nil && err != context.DeadlineExceeded {
		t.Errorf("Search: %v", err)
	}
}
