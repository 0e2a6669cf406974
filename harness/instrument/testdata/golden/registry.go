// Package golden holds one file per construct the instrumentation
// rewrites. Each file has an expected rewrite (file.go.golden), and
// registers examples whose results must be the same whether the package
// is built as it is or instrumented.
package golden

import "sort"

var examples = map[string]func() string{}

func register(name string, f func() string) { examples[name] = f }

// Results runs every example and returns "name: result" lines.
func Results() []string {
	var names []string
	for n := range examples {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		out = append(out, n+": "+examples[n]())
	}
	return out
}
