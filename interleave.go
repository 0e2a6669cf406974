// Package interleave is the root of the interleave module. It carries the
// source of the harness packages, which the interleave tool hands to the
// builds it instruments; the API is in package harness, the tool in
// cmd/interleave.
package interleave

import "embed"

// HarnessSource holds the source files of the harness packages and of
// the primitives (tests included; the tool leaves them out), so that an
// instrumented build uses exactly the harness the tool was built with,
// wherever the tool is installed, and code that uses the primitives still
// builds against it.
//
//go:embed harness/*.go harness/rt/*.go harness/internal/engine/*.go harness/internal/engine/*.s harness/internal/strategy/*.go harness/internal/token/*.go harness/internal/flight/*.go harness/internal/srcname/*.go harness/report/*.go primitives/*.go
var HarnessSource embed.FS

// HarnessGoVersion is the Go language version the harness packages need.
const HarnessGoVersion = "1.22"

// HarnessRequires are the modules the harness packages import, which a
// module that builds against a copy of the harness must require, and
// HarnessSums holds their checksums (this module's go.sum).
var HarnessRequires = map[string]string{"go.uber.org/goleak": "v1.3.0"}

//go:embed go.sum
var HarnessSums []byte
