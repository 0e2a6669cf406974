package golden

import (
	"fmt"
	"os"
	"testing"
)

// TestMain prints the examples' results: the instrumentation test runs the
// package built as it is and instrumented, and compares what they print.
func TestMain(m *testing.M) {
	for _, line := range Results() {
		fmt.Println(line)
	}
	os.Exit(0)
}
