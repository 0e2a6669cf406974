module github.com/interleave-go/interleave/examples

go 1.26.0

require github.com/interleave-go/interleave v0.0.0

replace github.com/interleave-go/interleave => ../
