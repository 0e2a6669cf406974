// Package golangci registers interleave's analyzers as the golangci-lint
// module plugin "interleave". Importing it (blank) into a golangci-lint
// build is all it takes; golangci-lint custom does that from a
// .custom-gcl.yml:
//
//	version: v2.15.0
//	plugins:
//	  - module: github.com/interleave-go/interleave
//	    import: github.com/interleave-go/interleave/analyzers/golangci
//	    version: latest
//
// and the built binary runs them where .golangci.yml enables the
// linter:
//
//	version: "2"
//	linters:
//	  enable: [interleave]
//	  settings:
//	    custom:
//	      interleave:
//	        type: module
//	        description: misuse of locks, semaphores and channels
//	        settings:
//	          analyzers: {holdblock: false}
//
// The settings choose analyzers as interleavevet's flags do: naming
// some true runs only those, naming some false runs all the others.
// A name that is no analyzer of the suite is an error.
package golangci

import (
	"fmt"
	"slices"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/interleave-go/interleave/analyzers/suite"
)

// Name is the plugin's name: the key under linters.settings.custom, and
// the linter that golangci-lint reports the findings under.
const Name = "interleave"

func init() {
	register.Plugin(Name, New)
}

// Settings are the plugin's settings in .golangci.yml.
type Settings struct {
	// Analyzers turns analyzers on or off by name.
	Analyzers map[string]bool `json:"analyzers"`
}

// New returns the plugin for the settings golangci-lint passes (nil when
// there are none).
func New(conf any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](conf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	as, err := Select(suite.Analyzers(), s.Analyzers)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	return &plugin{analyzers: as}, nil
}

// Select returns the analyzers that the choices leave on: those named
// true if any is, else all but those named false.
func Select(all []*analysis.Analyzer, choices map[string]bool) ([]*analysis.Analyzer, error) {
	var names []string
	for _, a := range all {
		names = append(names, a.Name)
	}
	only := false
	for name, on := range choices {
		if !slices.Contains(names, name) {
			return nil, fmt.Errorf("settings: no analyzer %q (the analyzers are %s)", name, strings.Join(names, ", "))
		}
		only = only || on
	}
	var out []*analysis.Analyzer
	for _, a := range all {
		on, named := choices[a.Name]
		if (only && on) || (!only && (!named || on)) {
			out = append(out, a)
		}
	}
	return out, nil
}

type plugin struct{ analyzers []*analysis.Analyzer }

func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) { return p.analyzers, nil }

// GetLoadMode asks for type information: the analyzers build SSA.
func (p *plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
