#!/bin/sh
# bench-cached-build.sh times `interleave test -runs 1` against `go test
# -count=1` on unchanged packages with warm caches (the go build cache and
# interleave's), runs of the two alternating, and counts what a further
# `interleave test` compiles (go test -x). BENCHMARKS.md, "Instrumented
# build: cached", has its figures.
#
# Usage: harness/instrument/testdata/bench-cached-build.sh [runs]   (default 3)
# INTERLEAVE=/path/to/interleave times that binary instead of this
# checkout's (to compare with an older build).
set -eu

root=$(cd "$(dirname "$0")/../../.." && pwd)
runs=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export INTERLEAVE_CACHE="$work/cache"

bin=${INTERLEAVE:-}
if [ -z "$bin" ]; then
	(cd "$root" && go build -o "$work/interleave" ./cmd/interleave)
	bin=$work/interleave
fi

# one: a one-file package, a test of two goroutines and a mutex.
mkdir "$work/one"
printf 'module example.com/one\n\ngo 1.22\n' >"$work/one/go.mod"
cat >"$work/one/one_test.go" <<'GO'
package one

import (
	"sync"
	"testing"
)

func TestCounter(t *testing.T) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	n := 0
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); mu.Lock(); n++; mu.Unlock() }()
	}
	wg.Wait()
	if n != 2 {
		t.Fatalf("n = %d", n)
	}
}
GO

# dep: the same with an errgroup, from the module cache: interleave builds
# it from an instrumented copy of golang.org/x/sync.
mkdir "$work/dep"
printf 'module example.com/dep\n\ngo 1.26.0\n\nrequire golang.org/x/sync v0.25.0\n' >"$work/dep/go.mod"
grep '^golang.org/x/sync v0.25.0' "$root/go.sum" >"$work/dep/go.sum"
cat >"$work/dep/dep_test.go" <<'GO'
package dep

import (
	"sync"
	"testing"

	"golang.org/x/sync/errgroup"
)

func TestGroup(t *testing.T) {
	var mu sync.Mutex
	n := 0
	var g errgroup.Group
	for i := 0; i < 2; i++ {
		g.Go(func() error { mu.Lock(); n++; mu.Unlock(); return nil })
	}
	if err := g.Wait(); err != nil || n != 2 {
		t.Fatal(err, n)
	}
}
GO

# elapsed runs a command in a directory and prints its wall time in ms.
elapsed() {
	dir=$1
	shift
	start=$(date +%s%N)
	if ! (cd "$dir" && "$@" >"$work/out" 2>&1); then
		echo "failed: $*" >&2
		cat "$work/out" >&2
		exit 1
	fi
	end=$(date +%s%N)
	echo $(((end - start) / 1000000))
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "| package | command | runs (ms) | median (ms) |"
echo "|---|---|---|---|"
for pkg in one dep; do
	# Warm both caches.
	elapsed "$work/$pkg" go test -count=1 . >/dev/null
	elapsed "$work/$pkg" "$bin" test -runs 1 . >/dev/null
	elapsed "$work/$pkg" go test . >/dev/null
	g= i= c=
	for _ in $(seq "$runs"); do
		g="$g $(elapsed "$work/$pkg" go test -count=1 .)"
		i="$i $(elapsed "$work/$pkg" "$bin" test -runs 1 .)"
		c="$c $(elapsed "$work/$pkg" go test .)"
	done
	gm=$(median $g)
	im=$(median $i)
	list() { echo "$@" | sed 's/ /, /g'; }
	echo "| $pkg | \`go test -count=1 .\` | $(list $g) | $gm |"
	echo "| $pkg | \`interleave test -runs 1 .\` | $(list $i) | $im |"
	echo "| $pkg | ratio of the two medians | | $(awk "BEGIN {printf \"%.2f\", $im / $gm}") |"
	echo "| $pkg | \`go test .\` (result cached: no link, no run) | $(list $c) | $(median $c) |"
done

echo
for pkg in one dep; do
	(cd "$work/$pkg" && "$bin" test -runs 1 . -- -x >"$work/out" 2>&1)
	echo "$pkg: a further interleave test -runs 1 . -- -x runs the compiler $(grep -c '/compile ' "$work/out" || true) times, the linker $(grep -c '/link ' "$work/out" || true) times"
done
