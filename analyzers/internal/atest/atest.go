// Package atest gives the analyzers' tests their test data: the
// analyzer's own testdata/src and, beside it, the stubs that every
// analyzer's test packages import (the primitives, x/sync's semaphore),
// kept once here rather than copied into each analyzer.
package atest

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestData returns a GOPATH-style directory for analysistest.Run: a copy
// of the calling test's testdata with the shared stubs added.
func TestData(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("atest: no source location")
	}
	dir := t.TempDir()
	for _, src := range []string{filepath.Join(filepath.Dir(file), "testdata"), "testdata"} {
		if _, err := os.Stat(src); os.IsNotExist(err) && src == "testdata" {
			continue // a test of the shared stubs alone
		}
		if err := copyTree(src, dir); err != nil {
			t.Fatalf("atest: %v", err)
		}
	}
	return dir
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
