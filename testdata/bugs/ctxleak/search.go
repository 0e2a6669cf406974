// Package ctxleak asks a slow backend under a context.
package ctxleak

import (
	"context"
	"time"
)

func backend(query string) string {
	time.Sleep(20 * time.Millisecond)
	return "result for " + query
}

// Search returns the backend's answer, or the context's error if it is
// done first. The answer goes on an unbuffered channel: once Search has
// returned on ctx.Done, the backend's goroutine blocks for ever.
func Search(ctx context.Context, query string) (string, error) {
	results := make(chan string)
	go func() { results <- backend(query) }()
	select {
	case r := <-results:
		return r, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
