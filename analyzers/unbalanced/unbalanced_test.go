package unbalanced_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/interleave-go/interleave/analyzers/unbalanced"
)

func TestUnbalanced(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), unbalanced.Analyzer, "a")
}

func TestSuggestedFix(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), unbalanced.Analyzer, "fix")
}
