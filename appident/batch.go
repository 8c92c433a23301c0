package appident

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
)

// Result is the outcome of assessing one app in a batch.
type Result struct {
	// Index is the app's position in the slice given to AssessAll.
	Index int
	App   App
	// Assessment is nil when Err is set.
	Assessment *Assessment
	Err        error
}

// AssessAll assesses every app, at most Config.Concurrency at once, and
// yields each result as soon as it is ready, in the order they finish (use
// Result.Index to match them to apps). It is meant for the periodic
// re-verification of every registered app:
//
//	for r := range checker.AssessAll(ctx, apps) {
//		if r.Err != nil { ... continue }
//		store(r.App.ClientID, r.Assessment)
//	}
//
// One app's error never stops the batch: it is that app's Result.Err. If
// ctx ends, the apps not yet assessed yield ctx's error. Stopping the loop
// early cancels the rest; the sequence returns only when every worker has
// stopped. Results are yielded on the caller's goroutine, one at a time.
func (c *Checker) AssessAll(ctx context.Context, apps []App) iter.Seq[Result] {
	return func(yield func(Result) bool) {
		if len(apps) == 0 {
			return
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		workers := min(c.cfg.Concurrency, len(apps))
		results := make(chan Result, workers)
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= len(apps) {
						return
					}
					if err := ctx.Err(); err != nil {
						results <- Result{Index: i, App: apps[i], Err: fmt.Errorf("appident: %w", err)}
						continue
					}
					a, err := c.assess(ctx, apps[i], c.cfg.BatchTimeout, false)
					results <- Result{Index: i, App: apps[i], Assessment: a, Err: err}
				}
			}()
		}
		go func() {
			wg.Wait()
			close(results)
		}()
		for r := range results {
			if !yield(r) {
				cancel()
				for range results { // let the workers finish
				}
				return
			}
		}
	}
}
