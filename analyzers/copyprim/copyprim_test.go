package copyprim_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/interleave-go/interleave/analyzers/copyprim"
	"github.com/interleave-go/interleave/analyzers/internal/atest"
)

func TestCopyprim(t *testing.T) {
	analysistest.Run(t, atest.TestData(t), copyprim.Analyzer, "a")
}
