package wgforever

import "testing"

func TestFirstErrorWins(t *testing.T) {
	err := Run([]func() error{
		func() error { return errJob },
		func() error { return nil },
	})
	if err != errJob {
		t.Errorf("Run = %v, want %v", err, errJob)
	}
}
