// Package harness explores the interleavings of concurrent Go code.
//
// A test calls Explore with a body; the body runs many times, once a run,
// with its goroutines taking turns one at a time in an order a strategy
// chooses, and each run is checked for panics, failed assertions,
// deadlocks, leaked goroutines and livelocks. A failure is reported with
// the trace of the run and one line that replays it exactly:
//
//	func TestTransfer(t *testing.T) {
//		harness.Explore(t, func(t *harness.T) {
//			a, b := newAccount(100), newAccount(100)
//			var wg sync.WaitGroup
//			wg.Add(2)
//			go func() { defer wg.Done(); transfer(a, b, 10) }()
//			go func() { defer wg.Done(); transfer(b, a, 10) }()
//			wg.Wait()
//			require.Equal(t, 200, a.balance()+b.balance())
//		})
//	}
//
// # Control
//
// Only code instrumented by the interleave tool is controlled: its go
// statements, channel operations, select statements, package sync and
// sync/atomic calls become calls of package rt, which are scheduling
// points. `interleave test ./pkg` instruments a package and its
// dependencies and runs its tests. Code that is not instrumented runs
// freely; a controlled goroutine that blocks in it for longer than the
// Watchdog duration fails the run with kind watchdog.
//
// # Reports
//
// The first line of a report is "interleave: KIND: WHAT", where KIND is
// panic, assertion, deadlock, leak, step-limit, watchdog or
// nondeterminism. Then come the steps of the run, one a line (goroutine,
// operation, object, source line), each goroutine's final state, and the
// replay line:
//
//	replay: go test ./pkg -run '^TestTransfer$' -interleave.replay=AQ...
//
// The environment variable INTERLEAVE_REPLAY does what the flag does.
//
// # Preconditions
//
// The body must not depend on anything but the schedule: it must build
// its state afresh each run and must not read the wall clock, draw random
// numbers or talk to goroutines outside the run, or a replay may not
// reproduce the failure (the report then says nondeterminism). Explore
// must not be called from inside an exploration. Explorations in one
// process run one at a time.
package harness
