// Package examples holds the scenarios of concurrent Go that the quick
// start explores: each subdirectory is an ordinary package, with a buggy
// version and a fixed one (in fixed/), and a plain test that
// `interleave test` explores. None of them imports the harness.
//
//	counter    a hit counter that loses increments
//	inventory  stock updates that oversell
//	ratelimit  a rate limiter built from a semaphore and a refill goroutine
//	pipeline   stages that signal each other with events
//	jobqueue   producers and consumers around a queue with Join
//	accounts   transfers between two accounts that deadlock
package examples
