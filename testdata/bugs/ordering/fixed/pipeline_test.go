package ordering

import "testing"

func TestConsistent(t *testing.T) {
	if l := Run(6); !Consistent(l) {
		t.Errorf("inconsistent log: %v", l.events)
	}
}
