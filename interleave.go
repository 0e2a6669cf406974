// Package interleave is the root of the interleave module. It carries the
// source of the harness packages, which the interleave tool hands to the
// builds it instruments; the API is in package harness, the tool in
// cmd/interleave.
package interleave

import "embed"

// HarnessSource holds the harness packages' source files (tests included;
// the tool leaves them out), so that an instrumented build uses exactly
// the harness the tool was built with, wherever the tool is installed.
//
//go:embed harness/*.go harness/rt/*.go harness/internal/engine/*.go harness/internal/engine/*.s harness/internal/strategy/*.go harness/internal/token/*.go
var HarnessSource embed.FS

// HarnessGoVersion is the Go language version the harness packages need.
const HarnessGoVersion = "1.22"
