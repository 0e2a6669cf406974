package blocking_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/interleave-go/interleave/analyzers/internal/atest"
	"github.com/interleave-go/interleave/analyzers/internal/blocking"
)

// TestFacts checks the facts exported for exported functions: where
// they block, and the condition waits that release their caller's lock.
func TestFacts(t *testing.T) {
	analysistest.Run(t, atest.TestData(t), blocking.Analyzer, "blk")
}
