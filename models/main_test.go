package models_test

import (
	"os"
	"testing"

	"github.com/interleave-go/interleave/harness/rt"
)

func TestMain(m *testing.M) {
	// Package models is not instrumented, nor are its tests: the programs
	// they explore call the runtime ABI by hand, as instrumented code does
	// (harness's own tests do the same).
	rt.MarkInstrumented()
	os.Exit(m.Run())
}
