// Command interleavevet checks Go code for misuse of synchronization
// primitives: locks not released on some path, lock-order inversions,
// blocking inside critical sections, condition waits outside a loop,
// re-acquired locks and copied primitives.
//
// Standalone:
//
//	interleavevet ./...
//	interleavevet -fix ./...          # apply suggested fixes
//	interleavevet -holdblock=false ./...
//
// As a vet tool:
//
//	go vet -vettool=$(which interleavevet) ./...
package main

import (
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/interleave-go/interleave/analyzers/condloop"
	"github.com/interleave-go/interleave/analyzers/copyprim"
	"github.com/interleave-go/interleave/analyzers/holdblock"
	"github.com/interleave-go/interleave/analyzers/lockorder"
	"github.com/interleave-go/interleave/analyzers/relock"
	"github.com/interleave-go/interleave/analyzers/unbalanced"
)

func main() {
	multichecker.Main(
		unbalanced.Analyzer,
		lockorder.Analyzer,
		holdblock.Analyzer,
		condloop.Analyzer,
		relock.Analyzer,
		copyprim.Analyzer,
	)
}
