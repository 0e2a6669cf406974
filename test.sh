#!/bin/sh
# The project's test command: the README's quick start runs it, and so
# does CI (.ci/run). It needs only Go.
set -eu
cd "$(dirname "$0")"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
echo "== go vet, and interleave's own analyzers over this module"
go vet ./...
go build -o "$bin/interleavevet" ./cmd/interleavevet
go vet -vettool="$bin/interleavevet" ./...
echo "== go test"
go test ./...
echo "== go test -race (the harness hides its own synchronization from the race detector; check that it does)"
go test -race ./harness/... ./primitives/...
