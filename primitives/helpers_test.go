package primitives_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
)

// cancelled returns a context that is already done.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// result is what a goroutine started by start returned.
type result struct {
	err error
	ok  bool // the goroutine has returned
}

// start runs f in a new goroutine and, inside a synctest bubble, waits
// until it has returned or is blocked, so that goroutines started one after
// another arrive in that order. The returned func reports f's outcome so far.
func start(f func() error) func() result {
	var (
		mu  sync.Mutex
		res result
	)
	go func() {
		err := f()
		mu.Lock()
		res = result{err: err, ok: true}
		mu.Unlock()
	}()
	synctest.Wait()
	return func() result {
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		return res
	}
}

// bubble runs f in a synctest bubble, where time is virtual and
// synctest.Wait tells when every goroutine is blocked.
func bubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	synctest.Test(t, f)
}

// grantRaces is how many times a cancellation-at-grant test repeats, so
// that the waiter sees the cancellation first in some runs and the grant
// first in others (select picks at random among ready cases).
const grantRaces = 64

// stressN scales the stress tests down under -short.
func stressN(n int) int {
	if testing.Short() {
		return n / 10
	}
	return n
}

// wantPanic checks that f panics with the message want.
func wantPanic(t *testing.T, what, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		got := recover()
		if got != want {
			t.Errorf("%s: panic value got %v, want %q", what, got, want)
		}
	}()
	f()
}

// wantErr checks that err is want (by errors.Is).
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got error %v, want %v", what, err, want)
	}
}

// wantResult checks the outcome of a goroutine started by start.
func wantResult(t *testing.T, what string, got func() result, want result) {
	t.Helper()
	if r := got(); r.ok != want.ok || !errors.Is(r.err, want.err) {
		t.Errorf("%s: got %+v, want %+v", what, r, want)
	}
}

// done is the result of a goroutine that returned err.
func done(err error) result { return result{err: err, ok: true} }

// blocked is the result of a goroutine that has not returned.
var blocked = result{}
