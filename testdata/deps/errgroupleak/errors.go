package errgroupleak

import "errors"

var errNegative = errors.New("negative input")
