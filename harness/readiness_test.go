package harness_test

import (
	"testing"
	"time"

	"github.com/interleave-go/interleave/harness"
	"github.com/interleave-go/interleave/harness/rt"
)

// TestPartnerLeavingKeepsTheClock: a sender that could go on while a
// select waited on its channel cannot once the select took another case;
// the clock must still move for a sleeper when nobody else can go on.
// Every schedule passes: a failure is the engine's (a false deadlock).
func TestPartnerLeavingKeepsTheClock(t *testing.T) {
	body := func(t *harness.T) {
		ch := rt.MakeChan(make(chan int))
		other := rt.MakeChan(make(chan int, 1))
		res := rt.MakeChan(make(chan bool, 1))
		rt.Go(func() { rt.Send(ch, 1) })
		rt.Send(other, 1)
		rt.Go(func() {
			var v int
			var ok bool
			switch rt.Select(false, rt.RecvCase(ch, &v, &ok), rt.RecvCase(other, &v, &ok)) {
			case 0:
				rt.Send(res, true)
			default:
				rt.Send(res, false)
			}
		})
		rt.Sleep(time.Hour)
		if !rt.Recv(res) {
			rt.Recv(ch)
		}
	}
	// Exhaustive search looks at every goroutine at every step; the
	// others keep what can go on up to date, which is what is tested.
	for _, s := range []harness.StrategySpec{harness.Random(), harness.PCT(3), harness.POS(), harness.RFF()} {
		if r := explore(t, body, harness.Strategy(s), harness.Runs(300)); r != "" {
			t.Fatalf("%s: a correct program failed:\n%s", s, r)
		}
	}
}
