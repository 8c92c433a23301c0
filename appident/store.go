package appident

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/consenttrust/appverify/tlsinspect"
)

// wireVersion is the first byte of every value the Checker puts in a
// shared Cache. A value with another first byte, or one that does not
// decode, is a miss.
const wireVersion = 1

type wireEntry struct {
	Obtained  time.Time `json:"obtained"`
	RefreshAt time.Time `json:"refresh_at"`
	Expires   time.Time `json:"expires"`
	Failed    bool      `json:"failed,omitempty"`
	Err       string    `json:"err,omitempty"`
	Refused   bool      `json:"refused,omitempty"` // Err matches ErrRefused
	Lost      time.Time `json:"lost,omitzero"`
	DNS       *wireDNS  `json:"dns,omitempty"`
	TLS       *wireTLS  `json:"tls,omitempty"`
}

type wireDNS struct {
	Name          string        `json:"name"`
	Records       [][]string    `json:"records"`
	TTL           time.Duration `json:"ttl,omitempty"`
	Authenticated bool          `json:"authenticated,omitempty"`
	Server        string        `json:"server,omitempty"`
	NotFound      string        `json:"not_found,omitempty"`
}

type wireTLS struct {
	Report  *tlsinspect.Report `json:"report,omitempty"`
	Refused []refusal          `json:"refused,omitempty"`
}

// encode returns e in the shared Cache's format.
func encode(e *entry) ([]byte, error) {
	w := wireEntry{Obtained: e.obtained, RefreshAt: e.refreshAt, Expires: e.expires, Failed: e.failed, Lost: e.lost}
	if e.err != nil {
		w.Err, w.Refused = e.err.Error(), errors.Is(e.err, ErrRefused)
	}
	if d := e.dns; d != nil {
		w.DNS = &wireDNS{Name: d.name, Records: d.records, TTL: d.ttl, Authenticated: d.authenticated, Server: d.server}
		if d.notFound != nil {
			w.DNS.NotFound = d.notFound.Error()
		}
	}
	if t := e.tls; t != nil {
		w.TLS = &wireTLS{Report: t.report, Refused: t.refused}
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, err
	}
	return append([]byte{wireVersion}, b...), nil
}

// decode returns the entry data encodes for k, or nil if it is not one.
func decode(k evKey, data []byte) *entry {
	if len(data) < 2 || data[0] != wireVersion {
		return nil
	}
	var w wireEntry
	if json.Unmarshal(data[1:], &w) != nil || w.Obtained.IsZero() || w.Expires.Before(w.Obtained) {
		return nil
	}
	e := &entry{obtained: w.Obtained, refreshAt: w.RefreshAt, expires: w.Expires, retryAt: w.RefreshAt, failed: w.Failed, lost: w.Lost}
	if w.Failed {
		if w.Err == "" {
			return nil
		}
		e.err = &cachedError{msg: w.Err, refused: w.Refused}
		e.retryAt = e.expires
	}
	switch {
	case k.tls && w.TLS != nil && w.DNS == nil:
		if !w.Failed && w.TLS.Report == nil {
			return nil
		}
		e.tls = &tlsEvidence{report: w.TLS.Report, refused: w.TLS.Refused}
	case !k.tls && w.DNS != nil && w.TLS == nil && w.DNS.Name == k.name:
		d := w.DNS
		e.dns = &dnsEvidence{name: d.Name, records: d.Records, ttl: d.TTL, authenticated: d.Authenticated, server: d.Server}
		if d.NotFound != "" {
			e.dns.notFound = &cachedError{msg: d.NotFound}
		}
	default:
		return nil
	}
	return e
}

// cachedError stands for an error that came back from a shared Cache: its
// message survives, and whether it was a refusal of the egress guard.
type cachedError struct {
	msg     string
	refused bool
}

func (e *cachedError) Error() string { return e.msg }

func (e *cachedError) Is(target error) bool { return e.refused && target == ErrRefused }

// fromShared returns the evidence under k in the shared Cache, or nil.
// Errors count in Stats and are a miss.
func (c *Checker) fromShared(ctx context.Context, k evKey) *entry {
	e, _ := c.readShared(ctx, k)
	return e
}

// readShared is fromShared that also reports whether the shared Cache
// failed (an error other than a miss).
func (c *Checker) readShared(ctx context.Context, k evKey) (e *entry, failed bool) {
	if c.shared == nil {
		return nil, false
	}
	data, err := c.shared.Get(ctx, k.key)
	if err != nil {
		if !errors.Is(err, ErrCacheMiss) {
			c.sharedFailed("get", k.key, err)
			return nil, true
		}
		c.sharedOK()
		return nil, false
	}
	c.sharedOK()
	return decode(k, data), false
}

// toShared puts e under k in the shared Cache. A transient failure stays
// in this process: another may well succeed.
func (c *Checker) toShared(ctx context.Context, k evKey, e *entry) {
	if c.shared == nil || (e.failed && e.temporary) {
		return
	}
	data, err := encode(e)
	if err == nil {
		until := e.expires
		if !k.tls && !e.failed {
			until = until.Add(c.cfg.MaxStale)
		}
		err = c.shared.Put(ctx, k.key, data, until)
	}
	if err != nil {
		c.sharedFailed("put", k.key, err)
		return
	}
	c.sharedOK()
}

// sharedFailed counts a failure of the shared Cache (or its Leaser) and, on
// the first after a success, logs a warning: the Checker goes on with its own
// lookups and memory until the store answers again.
func (c *Checker) sharedFailed(op, key string, err error) {
	c.stats.sharedErrors.Add(1)
	if !c.sharedDown.Swap(true) {
		c.log.Warn("appident: shared cache failed; looking evidence up locally until it recovers", "op", op, "key", key, "err", err)
	}
}

// sharedOK notes a shared Cache that answered, logging its recovery.
func (c *Checker) sharedOK() {
	if c.sharedDown.Swap(false) {
		c.log.Info("appident: shared cache answers again")
	}
}

// local returns the evidence under k in memory, else in the shared Cache
// (kept in memory from then on).
func (c *Checker) local(ctx context.Context, k evKey) *entry {
	if e, ok := c.mem.get(k.key); ok {
		return e
	}
	e := c.fromShared(ctx, k)
	if e != nil {
		c.keep(k, e, time.Time{})
	}
	return e
}

// keep stores e, the outcome of a flight that started at started, under k
// and returns what is stored: a renewal that failed transiently keeps the
// evidence it was to renew while that may still be served; and if a later
// flight (a Refresh beside this one) stored evidence obtained after this
// one started, that newer evidence stays.
func (c *Checker) keep(k evKey, e *entry, started time.Time) *entry {
	return c.mem.update(k.key, func(old *entry, ok bool) *entry {
		switch {
		case !ok || old == nil:
			return e
		case !started.IsZero() && old.obtained.After(started) && !old.failed:
			return old
		case !e.failed:
			return e
		case !old.failed && e.temporary && c.servable(k, old, e.obtained):
			kept := *old
			kept.renewErr, kept.renewedAt = e.err, e.obtained
			kept.retryAt = e.retryAt
			return &kept
		}
		if old.failed {
			e.lost = old.lost
		} else {
			e.lost = old.obtained
		}
		return e
	})
}

// servable reports whether good evidence e may still be served at now:
// before it expires, or, for DNS evidence, within MaxStale after.
func (c *Checker) servable(k evKey, e *entry, now time.Time) bool {
	if now.Before(e.expires) {
		return true
	}
	return !k.tls && now.Before(e.expires.Add(c.cfg.MaxStale))
}

// flight looks k up, coalesced with any lookup of k already running, and
// returns a channel that receives the outcome. The lookup runs on its own,
// bounded by its own timeout and by Close (which waits for it), whoever
// waits for it.
// started reports whether this call started it.
func (c *Checker) flight(k evKey, force bool) (ch <-chan *entry, started *bool) {
	out := make(chan *entry, 1)
	st := new(bool)
	if !c.begin() {
		out <- c.failure(&entry{dns: &dnsEvidence{name: k.name}, tls: &tlsEvidence{}}, c.now(), ErrClosed, false)
		return out, st
	}
	c.stats.inFlight.Add(1)
	if force {
		c.group.Forget(k.key)
	}
	rc := c.group.DoChan(k.key, func() (any, error) {
		*st = true
		return c.look(k, force), nil
	})
	go func() {
		r := <-rc
		if r.Shared && !*st {
			c.stats.coalesced.Add(1)
		}
		out <- r.Val.(*entry)
		c.stats.inFlight.Add(-1)
		c.wg.Done()
	}()
	return out, st
}

// background starts renewing k unless a renewal is running.
func (c *Checker) background(k evKey) {
	c.flight(k, false)
}

// look is one coalesced lookup of k: from the shared Cache if another
// process renewed it, else by asking the network (under the shared
// Cache's lease, if it has one), and stores the outcome.
func (c *Checker) look(k evKey, force bool) *entry {
	ctx := c.bg
	started := c.now()
	old, _ := c.mem.get(k.key)
	if !force && old != nil && started.Before(old.refreshAt) && started.Before(old.expires) {
		return old // renewed meanwhile
	}
	if !force {
		if e := c.await(ctx, k, started, old); e != nil {
			return c.keep(k, e, started)
		}
		if l, ok := c.shared.(Leaser); ok {
			release := c.lease(ctx, l, k, started, old)
			if e, ok := release.(*entry); ok {
				return c.keep(k, e, started)
			}
			if f, ok := release.(func()); ok {
				defer f()
			}
		}
	}
	var e *entry
	if k.tls {
		e = c.inspectTLS(ctx, k, force)
	} else {
		e = c.lookupDNS(ctx, k)
	}
	kept := c.keep(k, e, started)
	if kept == e {
		c.toShared(ctx, k, e)
	}
	return kept
}

// await returns the shared Cache's evidence for k if it is newer than old
// and needs no renewal at now.
func (c *Checker) await(ctx context.Context, k evKey, now time.Time, old *entry) *entry {
	e, _ := c.awaitShared(ctx, k, now, old)
	return e
}

// awaitShared is await that also reports whether the shared Cache failed.
func (c *Checker) awaitShared(ctx context.Context, k evKey, now time.Time, old *entry) (*entry, bool) {
	e, failed := c.readShared(ctx, k)
	if e == nil || (old != nil && !e.obtained.After(old.obtained)) || !now.Before(e.refreshAt) || !now.Before(e.expires) {
		return nil, failed
	}
	return e, false
}

// leaseTries bounds how many times a flight waits for another process's
// lease before looking up on its own.
const leaseTries = 3

// leasePoll is how often a flight waiting on another process's lease reads
// the shared Cache.
const leasePoll = 25 * time.Millisecond

// lease takes l's lease on k, or waits for the process holding it to store
// the evidence. It returns the evidence found (an *entry), the release
// function of a lease held (a func()), or nil: look it up anyway.
func (c *Checker) lease(ctx context.Context, l Leaser, k evKey, now time.Time, old *entry) any {
	ttl := c.cfg.DNSTimeout
	if k.tls {
		ttl = c.cfg.TLSTimeout
	}
	ttl += time.Second
	for range leaseTries {
		held, release, err := l.Lease(ctx, k.key, ttl)
		if err != nil {
			c.sharedFailed("lease", k.key, err)
			return nil
		}
		if held {
			if release == nil {
				release = func() {}
			}
			// The previous holder may have stored the evidence and
			// released the lease since this flight last read the Cache.
			if e := c.await(ctx, k, now, old); e != nil {
				release()
				return e
			}
			return release
		}
		c.stats.leaseWaits.Add(1)
		deadline := time.NewTimer(ttl)
		tick := time.NewTicker(leasePoll)
	poll:
		for {
			select {
			case <-ctx.Done():
				tick.Stop()
				deadline.Stop()
				return nil
			case <-deadline.C:
				break poll
			case <-tick.C:
				e, failed := c.awaitShared(ctx, k, now, old)
				if e != nil || failed {
					// Found; or the shared Cache fails: waiting on
					// it could outlast the assessment's budget, so
					// look it up now (failed open).
					tick.Stop()
					deadline.Stop()
					if e == nil {
						return nil
					}
					return e
				}
			}
		}
		tick.Stop()
	}
	return nil
}
