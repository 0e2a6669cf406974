package models

import (
	"fmt"

	"github.com/anishathalye/porcupine"
)

// KVCall is the input of an operation of the key-value map model: Put
// sets Key to Value, Get returns the value of Key ("" if it has none),
// Delete removes Key. Its output is a string: the value Get returned, ""
// for the others.
type KVCall struct {
	Method string // "Put", "Get" or "Delete"
	Key    string
	Value  string // for Put
}

// KV is the model of a key-value map of strings, written as a user would
// write the model of an object of their own: operations on different keys
// are independent, so the history is partitioned by key (porcupine checks
// each key's operations alone, far faster than the whole), and the state
// of a partition is one key's value.
func KV() Model {
	return Model{Name: "key-value map", Model: porcupine.Model{
		Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
			byKey := map[string][]porcupine.Operation{}
			var keys []string
			for _, op := range history {
				c, _ := op.Input.(KVCall) // another type is illegal in Step
				k := c.Key
				if _, ok := byKey[k]; !ok {
					keys = append(keys, k)
				}
				byKey[k] = append(byKey[k], op)
			}
			parts := make([][]porcupine.Operation, len(keys))
			for i, k := range keys {
				parts[i] = byKey[k]
			}
			return parts
		},
		Init: func() any { return "" },
		Step: func(state, in, out any) (bool, any) {
			c, ok := in.(KVCall)
			if !ok {
				return false, state
			}
			switch c.Method {
			case "Put":
				return true, c.Value
			case "Get":
				return out == state, state
			case "Delete":
				return true, ""
			}
			return false, state
		},
		DescribeOperation: func(in, out any) string {
			c, ok := in.(KVCall)
			if !ok {
				return fmt.Sprintf("%v → %v (not a KVCall)", in, out)
			}
			switch c.Method {
			case "Put":
				return fmt.Sprintf("Put(%q, %q)", c.Key, c.Value)
			case "Get":
				return fmt.Sprintf("Get(%q) → %q", c.Key, out)
			}
			return fmt.Sprintf("%s(%q)", c.Method, c.Key)
		},
		DescribeState: func(s any) string { return fmt.Sprintf("%q", s) },
	}}
}
