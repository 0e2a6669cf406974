// Package holdblock defines an Analyzer that reports operations that
// may block indefinitely while a lock is held.
package holdblock

import (
	"fmt"
	"go/token"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/ignore"
	"github.com/interleave-go/interleave/analyzers/internal/lockflow"
	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// Doc is the analyzer's documentation.
const Doc = `report blocking operations inside a critical section

A goroutine that blocks while it holds a lock makes every goroutine
that wants the lock wait as long, and deadlocks the program if the
event it waits for needs the lock. The holdblock analyzer follows each
function path by path and reports, where a lock that the function
acquired is held: a channel send or receive and a select without a
default case (except a send on a channel made with a constant buffer
in the same function or in the one whose closure captures it, or
stored only with buffered channels in the package's fields or
variables); time.Sleep; sync.WaitGroup.Wait; Event.Wait, Queue.Get,
Queue.Put, Barrier.Wait and Limiter.Wait of the reference primitives;
and network, file and process I/O of the standard library (net.Dial,
net.Conn.Read, http.Get, os.ReadFile, os.File.Write, exec.Cmd.Run, ...).
Condition waits, which release the lock, are not reported.`

// Analyzer reports blocking while holding a lock.
var Analyzer = &analysis.Analyzer{
	Name:     "holdblock",
	Doc:      Doc,
	URL:      "https://github.com/interleave-go/interleave#holdblock",
	Requires: []*analysis.Analyzer{lockflow.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[lockflow.Analyzer].(*lockflow.Result)
	rep := ignore.New(pass)
	reported := make(map[token.Pos]bool)
	for _, f := range res.Funcs {
		if !f.Complete {
			continue
		}
		for _, e := range f.Events {
			if e.Kind != lockflow.Block || reported[e.Instr.Pos()] {
				continue
			}
			if send, ok := e.Instr.(*ssa.Send); ok && res.Buffered(send.Chan) {
				continue
			}
			for _, h := range e.Held() {
				if h.Acq.Family != syncapi.Mutex {
					continue
				}
				reported[e.Instr.Pos()] = true
				rep.Report(analysis.Diagnostic{
					Pos: e.Instr.Pos(),
					Message: fmt.Sprintf("%s while holding %s (%s at line %d): goroutines waiting for the lock block as long, or deadlock",
						e.Name, h.Key.Show, h.Acq.API, pass.Fset.Position(h.Acq.Pos()).Line),
				})
				break
			}
		}
	}
	return nil, nil
}
