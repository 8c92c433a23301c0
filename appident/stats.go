package appident

import "sync/atomic"

// Stats are a Checker's counters since New. All but InFlight only grow.
type Stats struct {
	// Assessments counts calls of Assess and Refresh; Errors those that
	// returned an error; Pending those whose budget or context ended before
	// the evidence arrived.
	Assessments uint64 `json:"assessments"`
	Errors      uint64 `json:"errors"`
	Pending     uint64 `json:"pending"`
	// CacheHits and CacheMisses count evidence (DNS and TLS separately)
	// served from the cache or waited for.
	CacheHits   uint64 `json:"cache_hits"`
	CacheMisses uint64 `json:"cache_misses"`
	// Coalesced counts waits that shared another caller's lookup.
	Coalesced uint64 `json:"coalesced"`
	// DNSLookups counts TXT lookups run (each may be several DNS queries:
	// a UDP try, a TCP retry, several servers); Handshakes counts TLS
	// inspections run.
	DNSLookups uint64 `json:"dns_lookups"`
	Handshakes uint64 `json:"handshakes"`
	// Refusals counts dials the egress guard refused.
	Refusals uint64 `json:"refusals"`
	// SharedCacheErrors counts errors of Config.Cache (and its Leaser),
	// each of which failed open.
	SharedCacheErrors uint64 `json:"shared_cache_errors"`
	// LeaseWaits counts waits for another process's lookup of the same
	// evidence (Leaser).
	LeaseWaits uint64 `json:"lease_waits"`
	// InFlight is the number of lookups asked for (by assessments or in
	// the background) and not yet finished; callers sharing one lookup
	// count once each.
	InFlight int64 `json:"in_flight"`
}

type counters struct {
	assessments, errors, pending, cacheHits, cacheMisses, coalesced atomic.Uint64
	dnsLookups, handshakes, refusals, sharedErrors, leaseWaits      atomic.Uint64
	inFlight                                                        atomic.Int64
}

// Stats returns a snapshot of the Checker's counters.
func (c *Checker) Stats() Stats {
	s := &c.stats
	return Stats{
		Assessments: s.assessments.Load(), Errors: s.errors.Load(), Pending: s.pending.Load(),
		CacheHits: s.cacheHits.Load(), CacheMisses: s.cacheMisses.Load(), Coalesced: s.coalesced.Load(),
		DNSLookups: s.dnsLookups.Load(), Handshakes: s.handshakes.Load(), Refusals: s.refusals.Load(),
		SharedCacheErrors: s.sharedErrors.Load(), LeaseWaits: s.leaseWaits.Load(), InFlight: s.inFlight.Load(),
	}
}
