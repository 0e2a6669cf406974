package models

import (
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/anishathalye/porcupine"
)

// FIFOQueue is the model of a first-in-first-out queue of ints that holds
// at most capacity values, or any number if capacity is 0: Put(v),
// TryPut(v), Get, TryGet and Len. A Put or Get that returns an error took
// no effect; a TryPut fails only when the queue is full, a TryGet only
// when it is empty. It panics if capacity is negative.
func FIFOQueue(capacity int) Model { return queue("FIFO queue", capacity, fifoNext) }

// LIFOQueue is FIFOQueue for a last-in-first-out queue (a stack).
func LIFOQueue(capacity int) Model { return queue("LIFO queue", capacity, lifoNext) }

// PriorityQueue is FIFOQueue for a queue whose Get returns the least value
// first.
func PriorityQueue(capacity int) Model { return queue("priority queue", capacity, leastNext) }

// The next value a Get takes: its index in the state.
func fifoNext(q []int) int { return 0 }
func lifoNext(q []int) int { return len(q) - 1 }
func leastNext(q []int) int {
	least := 0
	for i, v := range q {
		if v < q[least] {
			least = i
		}
	}
	return least
}

func queue(name string, capacity int, next func([]int) int) Model {
	if capacity < 0 {
		panic("models: a queue with a negative capacity")
	}
	if capacity > 0 {
		name = fmt.Sprintf("%s (capacity %d)", name, capacity)
	}
	full := func(q []int) bool { return capacity > 0 && len(q) >= capacity }
	put := func(q []int, v int) (bool, []int) {
		if full(q) {
			return false, q
		}
		return true, append(slices.Clip(q), v)
	}
	get := func(q []int, v int) (bool, []int) {
		if len(q) == 0 {
			return false, q
		}
		i := next(q)
		if q[i] != v {
			return false, q
		}
		return true, slices.Delete(slices.Clone(q), i, i+1)
	}
	return Model{Name: name, Model: porcupine.Model{
		Init: func() any { return []int(nil) },
		Step: step(func(q []int, c Call, r Ret) (bool, []int) {
			switch c.Method {
			case "Put":
				if r.Err != "" {
					return true, q
				}
				return put(q, c.Arg)
			case "TryPut":
				if r.Err != "" {
					return full(q), q
				}
				return put(q, c.Arg)
			case "Get":
				if r.Err != "" {
					return true, q
				}
				return get(q, r.Val)
			case "TryGet":
				if r.Err != "" {
					return len(q) == 0, q
				}
				return get(q, r.Val)
			case "Len":
				return r.Val == len(q), q
			}
			return false, q
		}),
		Equal: func(a, b any) bool { return slices.Equal(a.([]int), b.([]int)) },
		Hash: func(s any) uint64 {
			h := fnv.New64a()
			for _, v := range s.([]int) {
				fmt.Fprint(h, v, ",")
			}
			return h.Sum64()
		},
		DescribeOperation: describe,
		DescribeState:     func(s any) string { return fmt.Sprint(s) },
	}}
}
