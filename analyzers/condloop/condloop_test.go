package condloop_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/interleave-go/interleave/analyzers/condloop"
	"github.com/interleave-go/interleave/analyzers/internal/atest"
)

func TestCondloop(t *testing.T) {
	analysistest.Run(t, atest.TestData(t), condloop.Analyzer, "a")
}
