package models

import (
	"fmt"
	"slices"

	"github.com/anishathalye/porcupine"
)

// Barrier is the model of a barrier of the given number of parties: Wait,
// which returns the caller's arrival index in its round (Value(index,
// err)).
//
// A Wait is not one atomic step: it arrives, then leaves once the round is
// full, so its history is checked as two steps of one interval: an arrival
// that takes the next index of the round, and a departure that needs the
// round it arrived in to be full. A Wait that returns an error (the
// barrier broken, its context done) is taken to have had no effect, which
// is what a broken round amounts to for the parties that succeed; Abort and
// Reset are not modelled.
func Barrier(parties int) Model {
	if parties < 1 {
		panic("models: a barrier with fewer than 1 party")
	}
	return Model{Name: fmt.Sprintf("barrier(%d)", parties), Model: porcupine.Model{
		Partition: splitWaits,
		Init:      func() any { return barrierState{} },
		Step: func(state, in, _ any) (bool, any) {
			s := state.(barrierState)
			e, ok := in.(barrierStep)
			if !ok {
				return false, s
			}
			if e.leave {
				i := slices.Index(s.full, e.party)
				if i < 0 {
					return false, s
				}
				return true, barrierState{round: s.round, full: slices.Delete(slices.Clone(s.full), i, i+1)}
			}
			if e.index != len(s.round) {
				return false, s
			}
			round := append(slices.Clip(s.round), e.party)
			if len(round) < parties {
				return true, barrierState{round: round, full: s.full}
			}
			full := append(slices.Clip(s.full), round...)
			slices.Sort(full)
			return true, barrierState{full: full}
		},
		Equal: func(a, b any) bool {
			x, y := a.(barrierState), b.(barrierState)
			return slices.Equal(x.round, y.round) && slices.Equal(x.full, y.full)
		},
		DescribeOperation: func(in, _ any) string {
			e, ok := in.(barrierStep)
			switch {
			case !ok:
				return fmt.Sprintf("%v (not a barrier step)", in)
			case e.leave:
				return fmt.Sprintf("Wait() #%d leaves", e.party)
			}
			return fmt.Sprintf("Wait() #%d arrives → index %d", e.party, e.index)
		},
		DescribeState: func(s any) string {
			b := s.(barrierState)
			return fmt.Sprintf("%d arrived, %d to leave", len(b.round), len(b.full))
		},
	}}
}

// barrierState is the parties that arrived in the current round, in
// order, and those of full rounds that have not left yet (sorted).
type barrierState struct {
	round []int
	full  []int
}

// barrierStep is half of a Wait: the arrival of party (the Wait's place
// in the history) with its index, or its departure.
type barrierStep struct {
	party int
	index int
	leave bool
}

// splitWaits turns each successful Wait of a history into its arrival and
// its departure, over the same interval, and leaves failed ones out.
func splitWaits(history []porcupine.Operation) [][]porcupine.Operation {
	var steps []porcupine.Operation
	for i, op := range history {
		c, _ := op.Input.(Call)
		r, ok := op.Output.(Ret)
		if ok && c.Method == "Wait" && r.Err != "" {
			continue
		}
		arrive, leave := op, op
		if !ok || c.Method != "Wait" {
			arrive.Input = op.Input // illegal in Step: not a barrierStep
			steps = append(steps, arrive)
			continue
		}
		arrive.Input = barrierStep{party: i, index: r.Val}
		leave.Input = barrierStep{party: i, leave: true}
		steps = append(steps, arrive, leave)
	}
	return [][]porcupine.Operation{steps}
}
