package harness_test

import (
	"os"
	"testing"

	"github.com/interleave-go/interleave/harness/rt"
)

func TestMain(m *testing.M) {
	// The programs of these tests call the runtime ABI by hand, as
	// instrumented code does.
	rt.MarkInstrumented()
	os.Exit(m.Run())
}
