// Package suite lists interleave's analyzers, for the drivers that run
// them together: cmd/interleavevet and the golangci-lint plugin.
package suite

import (
	"golang.org/x/tools/go/analysis"

	"github.com/interleave-go/interleave/analyzers/condloop"
	"github.com/interleave-go/interleave/analyzers/copyprim"
	"github.com/interleave-go/interleave/analyzers/holdblock"
	"github.com/interleave-go/interleave/analyzers/lockorder"
	"github.com/interleave-go/interleave/analyzers/relock"
	"github.com/interleave-go/interleave/analyzers/unbalanced"
)

// Analyzers returns every analyzer of the suite, in the order their
// documentation presents them.
func Analyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		unbalanced.Analyzer,
		lockorder.Analyzer,
		holdblock.Analyzer,
		condloop.Analyzer,
		relock.Analyzer,
		copyprim.Analyzer,
	}
}
