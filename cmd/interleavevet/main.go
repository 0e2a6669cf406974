// Command interleavevet checks Go code for misuse of synchronization
// primitives: locks not released on some path, lock-order inversions,
// blocking inside critical sections, condition waits outside a loop,
// re-acquired locks and copied primitives.
//
// Besides interleave's analyzers it runs go vet's copylocks and
// waitgroup, so that a copied sync.Mutex or WaitGroup, or a
// WaitGroup.Add inside the goroutine it counts, is reported when
// interleavevet takes go vet's place (go vet -vettool runs only the
// tool's analyzers).
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
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"
	"golang.org/x/tools/go/analysis/passes/copylock"
	"golang.org/x/tools/go/analysis/passes/waitgroup"

	"github.com/interleave-go/interleave/analyzers/suite"
)

// analyzers are the suite's, copylocks and waitgroup, which the
// golangci-lint plugin leaves to golangci-lint's own govet.
func analyzers() []*analysis.Analyzer {
	return append(suite.Analyzers(), copylock.Analyzer, waitgroup.Analyzer)
}

func main() {
	multichecker.Main(analyzers()...)
}
