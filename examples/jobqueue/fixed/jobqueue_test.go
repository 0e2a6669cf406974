package jobqueue

import "testing"

func TestEveryJobHasAResult(t *testing.T) {
	if got := Process([]int{1, 2, 3}, 2); len(got) != 3 {
		t.Errorf("Process returned %d results for 3 jobs: %v", len(got), got)
	}
}
