// Package models holds the properties that the runs of an exploration are
// checked against: monitors that watch a run as it goes, sequential
// models of the primitives against which a run's history is checked for
// linearizability, and a state-machine test that generates the programs
// to explore.
//
//	func TestQueue(t *testing.T) {
//		harness.Explore(t, func(t *harness.T) {
//			ctx := context.Background()
//			q := primitives.NewQueue[int](1)
//			rec := models.Record(t, models.FIFOQueue(1))
//			var wg sync.WaitGroup
//			for v := range 2 {
//				wg.Add(1)
//				go func() {
//					defer wg.Done()
//					op := rec.Call(models.Call{Method: "Put", Arg: v})
//					op.Return(models.Done(q.Put(ctx, v)))
//				}()
//			}
//			for range 2 {
//				op := rec.Call(models.Call{Method: "Get"})
//				op.Return(models.Value(q.Get(ctx)))
//			}
//			wg.Wait()
//		})
//	}
//
// The package is interleave's own checking code: the interleave tool does
// not instrument it, so what it does is neither explored nor traced, and
// it may be called from any goroutine of a run. Each monitor guards its
// state with a mutex of its own, and may be used outside a run too.
//
// # Monitors
//
// A monitor is told, by the code under test or by the test, what happens
// (a goroutine enters a critical section, a request is granted), and fails
// the run with kind invariant the moment a property breaks, with a message
// that names the property and the goroutines involved, as reports name
// them (g0 is the body, then g1, g2... in order of creation):
//
//   - MutualExclusion: at most one goroutine between Enter and Exit, as a
//     lock promises. "mutual exclusion: g2 entered while g1 was inside".
//   - Bounded(n): at most n goroutines inside, as a semaphore of n permits
//     promises. "bounded(2): g3 entered while g1 and g2 were inside".
//   - EventDelivery: a Set wakes every goroutine that was waiting when it
//     was called. A Wait that started before a Set started must not fail
//     once that Set has returned; and when the run is over, every such
//     Wait must have returned (checked with T.Verify, which the harness
//     runs after runs that end without another failure: a waiter left
//     blocked is usually reported first as a deadlock or a leak).
//   - FIFO: requests are granted in the order they took their place in
//     line, for primitives that promise first come, first served.
//   - NoLostPermit: when the run is over, the permits (or items) that
//     goroutines hold plus those available add up to the initial count
//     (checked with T.Verify, by a function the test gives that reads the
//     count available).
//
// Deadlock and leak freedom are checked by the exploration engine, which
// sees every goroutine's state; DeadlockFreedom, LeakFreedom,
// AllowDeadlock and AllowLeaks name the harness options that turn them on
// (the default) and off.
//
// # Models and linearizability
//
// A Model is porcupine's sequential specification (Init, Step, Equal,
// DescribeOperation) with a name. The models of the primitives take a Call
// (method and argument) as input and a Ret as output, made with Done,
// Value or Bool: Lock, Semaphore, BoundedSemaphore, Event, FIFOQueue,
// LIFOQueue, PriorityQueue and Barrier. KV, a key-value map of strings, is
// the model a user would write for an object of their own, partitioned by
// key.
//
// A Recorder records a history: each operation's call and return, the
// goroutine that made it, and when, on a logical clock that ticks at each
// call and return. Since a run's goroutines take turns at scheduling
// points, the clock orders the history as the run did; wall time would
// not, and would not replay. Record returns a Recorder for a run and
// registers, with T.Verify, the check of its history when the run is
// over: porcupine searches for an order of the operations that respects
// their real-time order (an operation that returned before another was
// called comes first) and that the model allows. Its answer is Ok,
// Illegal or Unknown, when the search runs out of its budget (Timeout,
// 10s by default). Illegal and Unknown fail the run with kind invariant;
// the message shows the history by goroutine, the longest order the model
// accepts, and, for Illegal, the path of an HTML file where porcupine
// draws the history (under os.TempDir()/interleave-linearizability, or
// VisualizationDir). The report of the run ends with the line that
// replays it, so the file can be drawn again.
//
// # State machines
//
// CheckStateMachine is gopter's commands idea for concurrent objects: a
// StateMachine gives a model, a generator of operations (OneOf makes one
// from a list), a constructor of the object and a function that applies
// an operation to it. Programs of
// a few goroutines, each making a few operations, are generated; each is
// explored (RunsPerProgram runs) with its history checked against the
// model. When one fails, gopter shrinks it (fewer goroutines, fewer and
// smaller operations) while it still fails, and the exploration of the
// smallest shrinks its schedule. A lost update in a semaphore's Release,
// found in a program of seven operations, is reported as
//
//	g1: TryAcquire(1), Value(); g2: Release(1)
//
// with the history and schedule that break the model.
//
// # Preconditions
//
// A Recorder's Call must be made just before the operation starts and
// Return just after it ends, by the goroutine that makes it; an operation
// that has not returned when the history is checked is left out, which is
// wrong only if another operation saw its effect. A model's Step must not
// modify the state it is given and must not panic. Order.Request must be
// called when the request takes its place in line (see FIFO). A monitor
// must not be shared between runs: make it in the body. CheckStateMachine
// must not be given a replay token (-interleave.replay); RunProgram
// replays the program of its report.
package models
