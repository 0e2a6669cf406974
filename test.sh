#!/bin/sh
# The project's test command: the README's quick start runs it, and so
# does CI (.ci/run). It needs only Go.
set -eu
cd "$(dirname "$0")"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
echo "== go mod tidy -diff (go.mod and go.sum say what the code imports)"
go mod tidy -diff
(cd examples && go mod tidy -diff)
echo "== go vet, and interleave's own analyzers over this module"
go vet ./...
go build -o "$bin/interleavevet" ./cmd/interleavevet
go vet -vettool="$bin/interleavevet" ./...
# harness/report's browser test draws a finding's page in headless
# Chromium; without one it skips. Install it where we can.
if [ -z "${INTERLEAVE_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 &&
	! command -v chromium-browser >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1 &&
	command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	echo "== installing chromium for harness/report's browser test"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null ||
		echo "warning: could not install chromium; harness/report's browser test will skip" >&2
fi
echo "== go test"
go test ./...
echo "== go test -race (the harness hides its own synchronization from the race detector; check that it does)"
go test -race ./harness/... ./primitives/... ./models/...
