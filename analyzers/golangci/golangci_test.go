package golangci_test

import (
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"

	"github.com/interleave-go/interleave/analyzers/golangci"
)

func names(t *testing.T, conf any) (string, error) {
	t.Helper()
	newPlugin, err := register.GetPlugin(golangci.Name)
	if err != nil {
		t.Fatalf("GetPlugin: %v", err)
	}
	p, err := newPlugin(conf)
	if err != nil {
		return "", err
	}
	if mode := p.GetLoadMode(); mode != register.LoadModeTypesInfo {
		t.Errorf("load mode: got %q, want %q", mode, register.LoadModeTypesInfo)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatalf("BuildAnalyzers: %v", err)
	}
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return strings.Join(out, " "), nil
}

// TestSettings checks that the settings choose analyzers as
// interleavevet's flags do.
func TestSettings(t *testing.T) {
	t.Parallel()
	all := "unbalanced lockorder holdblock condloop relock copyprim"
	for _, tc := range []struct {
		name string
		conf any
		want string
	}{
		{"no settings", nil, all},
		{"empty", map[string]any{}, all},
		{"one off", map[string]any{"analyzers": map[string]any{"holdblock": false}}, "unbalanced lockorder condloop relock copyprim"},
		{"only two", map[string]any{"analyzers": map[string]any{"relock": true, "unbalanced": true}}, "unbalanced relock"},
		{"on wins", map[string]any{"analyzers": map[string]any{"relock": true, "holdblock": false}}, "relock"},
	} {
		got, err := names(t, tc.conf)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		} else if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestBadSettings checks that a misspelt analyzer or key is an error
// that names it.
func TestBadSettings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		conf any
		want string
	}{
		{map[string]any{"analyzers": map[string]any{"holdblok": false}}, `no analyzer "holdblok"`},
		{map[string]any{"analyser": map[string]any{}}, `unknown field "analyser"`},
	} {
		if _, err := names(t, tc.conf); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("settings %v: got error %v, want one containing %q", tc.conf, err, tc.want)
		}
	}
}
