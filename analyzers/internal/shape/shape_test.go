package shape_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/interleave-go/interleave/analyzers/internal/atest"
	"github.com/interleave-go/interleave/analyzers/internal/shape"
)

// TestFacts checks which hand-written types are taken for primitives:
// each one that is carries a fact.
func TestFacts(t *testing.T) {
	analysistest.Run(t, atest.TestData(t), shape.Analyzer, "userprim")
}
