package holdblock_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/interleave-go/interleave/analyzers/internal/atest"
	"github.com/interleave-go/interleave/analyzers/holdblock"
)

func TestHoldblock(t *testing.T) {
	analysistest.Run(t, atest.TestData(t), holdblock.Analyzer, "a")
}
