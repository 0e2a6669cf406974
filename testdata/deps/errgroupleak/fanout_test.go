package errgroupleak

import (
	"context"
	"testing"
)

func TestSquaresStopsOnError(t *testing.T) {
	_, err := Squares(context.Background(), []int{1, -1, 2})
	if err != errNegative {
		t.Errorf("Squares = %v, want %v", err, errNegative)
	}
}
