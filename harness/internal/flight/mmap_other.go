//go:build !unix

package flight

import (
	"errors"
	"os"
)

func mapFile(*os.File, int) ([]byte, error) {
	return nil, errors.New("flight records need a memory-mapped file, which this system does not offer here")
}
