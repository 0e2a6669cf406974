package ignore_test

import (
	"slices"
	"testing"

	"github.com/interleave-go/interleave/analyzers/internal/ignore"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text  string
		names []string
		ok    bool
	}{
		{"//interleavevet:ignore unbalanced handed to caller", []string{"unbalanced"}, true},
		{"//interleavevet:ignore holdblock,relock reason", []string{"holdblock", "relock"}, true},
		{"//interleavevet:ignore all", []string{"all"}, true},
		{"//interleavevet:ignore", nil, false},
		{"//interleavevet:ignorex unbalanced", nil, false},
		{"// interleavevet:ignore unbalanced", nil, false},
		{"//nolint:unbalanced", nil, false},
	}
	for _, tt := range tests {
		names, ok := ignore.Parse(tt.text)
		if ok != tt.ok || !slices.Equal(names, tt.names) {
			t.Errorf("Parse(%q) = %q, %v, want %q, %v", tt.text, names, ok, tt.names, tt.ok)
		}
	}
}
