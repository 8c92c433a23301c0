package appident

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/label"
)

// served is the evidence of one kind an assessment rests on.
type served struct {
	e *entry
	// stale: DNS evidence past its expiry, within MaxStale; pending: none
	// arrived within the budget; refreshFailed: a Refresh's lookup failed
	// and e is the evidence obtained before.
	stale, pending, refreshFailed bool
	ch                            <-chan *entry
	old                           *entry
}

// errPending is the error of evidence still being gathered when the
// assessment's budget or context ended.
var errPending = errors.New("appident: evidence still being gathered")

// start serves k from memory (or the shared Cache) when it may, and
// otherwise starts a lookup to wait for.
func (c *Checker) start(ctx context.Context, k evKey, now time.Time, force bool) served {
	e := c.local(ctx, k)
	if !force && e != nil {
		if now.Before(e.expires) {
			c.stats.cacheHits.Add(1)
			c.renewIfDue(k, e, now)
			return served{e: e}
		}
		if !e.failed && c.servable(k, e, now) && now.Before(e.retryAt) {
			// Past its expiry within MaxStale, and its renewal failed
			// less than FailureTTL ago.
			c.stats.cacheHits.Add(1)
			return served{e: e, stale: true}
		}
	}
	c.stats.cacheMisses.Add(1)
	ch, _ := c.flight(k, force)
	return served{ch: ch, old: e}
}

// wait waits for s's lookup until ctx ends.
func (c *Checker) wait(ctx context.Context, k evKey, s served, now time.Time, force bool) served {
	if s.ch == nil {
		return s
	}
	select {
	case e := <-s.ch:
		return served{e: e, stale: !e.failed && !now.Before(e.expires), refreshFailed: force && e.obtained.Before(now)}
	case <-ctx.Done():
		if old := s.old; !force && old != nil && !old.failed && c.servable(k, old, now) {
			return served{e: old, stale: !now.Before(old.expires)}
		}
		return served{pending: true}
	}
}

// gather fills a's DNS and TLS evidence and returns appident's own
// findings about it, and the memo of the assessment if it may be reused.
func (c *Checker) gather(ctx context.Context, a *Assessment, clientID string, now time.Time, budget time.Duration, force bool) ([]label.Finding, *memoEntry) {
	dk, tk := dnsKey(a.Site.ETLDPlusOne), tlsKey(a.Site.Host, a.Site.Port)
	wctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	ds, ts := c.start(wctx, dk, now, force), c.start(wctx, tk, now, force)
	ds, ts = c.wait(wctx, dk, ds, now, force), c.wait(wctx, tk, ts, now, force)

	var fs []label.Finding
	pendingErr := func() error { return fmt.Errorf("%w: %w", errPending, context.Cause(wctx)) }
	if ds.pending {
		a.Pending = true
		a.DNS = &dnsverify.Result{Status: dnsverify.StatusError, Name: dk.name, Want: clientID, Found: []string{}, Err: pendingErr()}
	} else {
		a.DNS = ds.e.dnsResult(clientID)
		a.dnsObtained = ds.e.obtained
	}
	if ts.pending {
		a.Pending = true
		a.TLSErr = pendingErr()
	} else {
		a.TLS, a.TLSErr = ts.e.tlsResult()
		a.tlsObtained = ts.e.obtained
		for _, r := range ts.e.tls.refused {
			msg, fetch := refusedFinding(r)
			f := label.Finding{Code: code.EgressRefused, Severity: label.Should, Requirement: "R3", Message: msg} // R3–R5 could not be assessed
			if fetch {
				f.Severity, f.Requirement = label.Info, "R4"
			}
			fs = append(fs, f)
		}
	}
	for _, x := range []struct {
		k evKey
		s served
	}{{dk, ds}, {tk, ts}} {
		fs = append(fs, c.lifecycleFindings(x.k, x.s)...)
	}
	if ds.pending || ts.pending || ds.stale || ts.stale || ds.refreshFailed || ts.refreshFailed {
		return fs, nil
	}
	return fs, &memoEntry{dnsK: dk, tlsK: tk, dnsE: ds.e, tlsE: ts.e}
}

// lifecycleFindings says what the assessment should know about the age of
// the evidence served for k.
func (c *Checker) lifecycleFindings(k evKey, s served) []label.Finding {
	at := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	switch {
	case s.pending:
		return []label.Finding{{Code: code.EvidencePending, Severity: label.Info, Withholds: true,
			Message: fmt.Sprintf("The %s is still being looked up: until it arrives, only the domain is shown, as Unknown App.", k.what())}}
	case s.stale:
		why := "renewing it failed"
		if s.e.renewErr != nil {
			why = fmt.Sprintf("renewing it failed (%v)", s.e.renewErr)
		}
		return []label.Finding{{Code: code.CacheStale, Severity: label.Info,
			Message: fmt.Sprintf("The %s dates from %s, older than the cache's lifetime: %s, and Config.MaxStale allows serving it until %s.",
				k.what(), at(s.e.obtained), why, at(s.e.expires.Add(c.cfg.MaxStale)))}}
	case s.refreshFailed:
		f := label.Finding{Code: code.RefreshFailed, Severity: label.Info}
		if s.e.failed {
			f.Message = fmt.Sprintf("Refreshing the %s failed: %v.", k.what(), s.e.err)
		} else {
			f.Message = fmt.Sprintf("Refreshing the %s failed (%v): what is shown rests on evidence obtained at %s.", k.what(), s.e.renewErr, at(s.e.obtained))
		}
		return []label.Finding{f}
	case s.e.failed && !s.e.lost.IsZero():
		return []label.Finding{{Code: code.EvidenceNotRenewed, Severity: label.Info, Withholds: true,
			Message: fmt.Sprintf("The %s obtained at %s could not be renewed (%v): evidence older than %v is not shown, so only the domain is, as Unknown App.",
				k.what(), at(s.e.lost), s.e.err, c.cfg.CacheTTL)}}
	}
	return nil
}
