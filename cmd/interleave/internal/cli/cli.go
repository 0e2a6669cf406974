// Package cli implements the interleave command.
package cli

import (
	"fmt"
	"io"
)

const usage = `interleave explores the interleavings of Go tests.

Usage:

	interleave test [flags] [packages] [-- go test flags]
	interleave fuzz [flags] [packages] [-- go test flags]
	interleave corpus merge DIR...
	interleave corpus list [packages or dirs]
	interleave replay [flags] <finding file | token> [packages]
	interleave report [-o file.html] <finding file | token> [packages]

Commands:

	test    instrument packages and their dependencies, and run their tests
	        with every Test explored (interleave test -h for its flags)
	fuzz    explore the tests for a duration or until stopped, rotating
	        strategies and seeds; each distinct finding is saved to the
	        package's corpus, testdata/interleave/<Test>/<id>, which later
	        test runs replay first; -shard i/n splits one fuzz over n
	        workers (CI matrix jobs, a Kubernetes Indexed Job)
	corpus  merge the corpora of several workers or checkouts into this
	        module's, keeping each finding once, with its shortest trace;
	        list the findings of corpora
	replay  run the schedule of a finding again, with its trace
	report  write a finding as a self-contained HTML page

Exit status: 0 when nothing was found, 1 when a test failed or a run found
a bug, 2 when interleave itself could not run (a bad flag, a package that
does not build).
`

// cacheEnv names the environment variable that moves the cache of
// instrumented builds (by default the user cache directory's interleave).
const cacheEnv = "INTERLEAVE_CACHE"

// Main runs the command with args (without the program name) and returns
// its exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "test":
		return Test(args[1:], stdout, stderr)
	case "fuzz":
		return Fuzz(args[1:], stdout, stderr)
	case "corpus":
		return Corpus(args[1:], stdout, stderr)
	case "replay":
		return Replay(args[1:], stdout, stderr)
	case "report":
		return Report(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "interleave: unknown command %q\n\n%s", args[0], usage)
	return 2
}
