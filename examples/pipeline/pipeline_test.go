package pipeline

import "testing"

func TestSum(t *testing.T) {
	if got := Run([]int{1, 2, 3}); got != 6 {
		t.Errorf("Run = %d, want 6", got)
	}
}
