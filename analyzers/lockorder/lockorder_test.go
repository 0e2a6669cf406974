package lockorder_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/interleave-go/interleave/analyzers/internal/atest"
	"github.com/interleave-go/interleave/analyzers/lockorder"
)

// TestLockorder checks inversions inside package a, and in package b
// against the facts of a.
func TestLockorder(t *testing.T) {
	analysistest.Run(t, atest.TestData(t), lockorder.Analyzer, "a", "b")
}
