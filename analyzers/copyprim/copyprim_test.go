package copyprim_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/interleave-go/interleave/analyzers/copyprim"
)

func TestCopyprim(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), copyprim.Analyzer, "a")
}
