module github.com/interleave-go/interleave

go 1.26.0

require (
	github.com/anishathalye/porcupine v1.3.1
	github.com/golangci/plugin-module-register v0.1.2
	github.com/leanovate/gopter v0.2.11
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
	golang.org/x/mod v0.42.0
	golang.org/x/sync v0.25.0
	golang.org/x/time v0.16.0
	golang.org/x/tools v0.52.0
)

require go.yaml.in/yaml/v3 v3.0.5
