package ratelimit

import (
	"context"
	"testing"
	"time"
)

func TestTakeAndGiveBack(t *testing.T) {
	l := New(1, time.Millisecond)
	defer l.Stop()
	ctx := context.Background()
	if err := l.Take(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Millisecond) // let a tick refill
	l.Give()                     // the request was cancelled: give the token back
}
