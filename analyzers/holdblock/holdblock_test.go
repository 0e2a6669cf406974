package holdblock_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/interleave-go/interleave/analyzers/holdblock"
	"github.com/interleave-go/interleave/analyzers/internal/atest"
)

func TestHoldblock(t *testing.T) {
	analysistest.Run(t, atest.TestData(t), holdblock.Analyzer, "a")
}
