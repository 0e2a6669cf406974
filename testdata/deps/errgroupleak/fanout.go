// Package errgroupleak fans work out with golang.org/x/sync/errgroup.
package errgroupleak

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Squares computes the squares of xs in parallel and sends them on an
// unbuffered channel. When a worker fails, the group's context is done
// and Squares stops reading: the other workers block on their send for
// ever, and errgroup's Wait with them.
func Squares(ctx context.Context, xs []int) ([]int, error) {
	g, ctx := errgroup.WithContext(ctx)
	out := make(chan int)
	for _, x := range xs {
		g.Go(func() error {
			if x < 0 {
				return errNegative
			}
			out <- x * x // bug: not a select on ctx.Done()
			return nil
		})
	}
	var res []int
	for range xs {
		select {
		case v := <-out:
			res = append(res, v)
		case <-ctx.Done():
			return nil, g.Wait()
		}
	}
	return res, g.Wait()
}
