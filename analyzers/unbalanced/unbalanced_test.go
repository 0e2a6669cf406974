package unbalanced_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/interleave-go/interleave/analyzers/internal/atest"
	"github.com/interleave-go/interleave/analyzers/unbalanced"
)

func TestUnbalanced(t *testing.T) {
	analysistest.Run(t, atest.TestData(t), unbalanced.Analyzer, "a")
}

func TestSuggestedFix(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, atest.TestData(t), unbalanced.Analyzer, "fix")
}
