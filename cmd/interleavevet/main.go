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

	"github.com/interleave-go/interleave/analyzers/suite"
)

func main() {
	multichecker.Main(suite.Analyzers()...)
}
