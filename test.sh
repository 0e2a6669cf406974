#!/bin/sh
# The project's test command: the README's quick start runs it, and so
# does CI (.ci/run). It needs only Go.
set -eu
cd "$(dirname "$0")"
echo "== go vet"
go vet ./...
echo "== go test"
go test ./...
echo "== go test -race (the harness hides its own synchronization from the race detector; check that it does)"
go test -race ./harness/...
