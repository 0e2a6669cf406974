// Command interleave explores the interleavings of Go tests.
//
//	interleave test [flags] [packages] [-- go test flags]
//
// See `interleave help` for the commands and their flags.
package main

import (
	"os"

	"github.com/interleave-go/interleave/cmd/interleave/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
