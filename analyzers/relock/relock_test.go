package relock_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/interleave-go/interleave/analyzers/internal/atest"
	"github.com/interleave-go/interleave/analyzers/relock"
)

func TestRelock(t *testing.T) {
	analysistest.Run(t, atest.TestData(t), relock.Analyzer, "a")
}
