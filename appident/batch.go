package appident

import (
	"context"
	"fmt"
	"iter"
	"net"
	"strconv"

	"github.com/consenttrust/appverify/etld"
	"golang.org/x/sync/errgroup"
)

// Result is the outcome of assessing one app in a batch.
type Result struct {
	// Index is the app's position in the slice given to AssessAll.
	Index int
	// Assessment is nil when Err is set.
	Assessment *Assessment
	Err        error
}

// AssessAll assesses every app and yields each result as soon as it is
// ready, in the order they finish (use Result.Index to match them to apps).
// It is meant for the periodic re-verification of every registered app:
//
//	for r := range checker.AssessAll(ctx, apps) {
//		if r.Err != nil { ... continue }
//		store(apps[r.Index].ClientID, r.Assessment)
//	}
//
// Its concurrency (Config.Concurrency) is spent on distinct sites: the apps
// of one site are assessed one after the other by the worker that looked
// the site up, from the cache, so that they never hold other workers while
// they wait for that one lookup. Each app's wait is bounded by 15 seconds,
// or Config.Timeout if longer.
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
		groups := c.bySite(apps)
		results := make(chan Result, c.cfg.Concurrency)
		go func() {
			var g errgroup.Group
			g.SetLimit(c.cfg.Concurrency)
			for _, group := range groups {
				g.Go(func() error {
					for _, i := range group {
						if err := ctx.Err(); err != nil {
							results <- Result{Index: i, Err: fmt.Errorf("appident: %w", err)}
							continue
						}
						a, err := c.assess(ctx, apps[i], c.batchTimeout(), false)
						results <- Result{Index: i, Assessment: a, Err: err}
					}
					return nil
				})
			}
			g.Wait()
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

// bySite groups the indexes of apps by the host:port their requested
// redirect URI lives on, in the order sites first appear; an app whose
// site cannot be named is a group of its own.
func (c *Checker) bySite(apps []App) [][]int {
	var groups [][]int
	index := make(map[string]int)
	for i := range apps {
		uri, err := apps[i].requested()
		var site etld.Site
		if err == nil {
			site, err = c.parser.Parse(uri)
		}
		if err != nil {
			groups = append(groups, []int{i})
			continue
		}
		key := net.JoinHostPort(site.Host, strconv.Itoa(site.Port))
		if g, ok := index[key]; ok {
			groups[g] = append(groups[g], i)
			continue
		}
		index[key] = len(groups)
		groups = append(groups, []int{i})
	}
	return groups
}
