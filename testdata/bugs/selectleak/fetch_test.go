package selectleak

import (
	"testing"
	"time"
)

func TestFetch(t *testing.T) {
	v, err := Fetch(50 * time.Millisecond)
	if err != nil && err != ErrTimeout {
		t.Fatalf("Fetch: %v", err)
	}
	if err == nil && v != 42 {
		t.Errorf("Fetch = %d, want 42", v)
	}
}
