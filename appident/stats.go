package appident

import "sync/atomic"

// Stats are a Checker's counters since New. All only grow.
type Stats struct {
	// Assessments counts calls of Assess and Refresh; Errors those that
	// returned an error.
	Assessments uint64 `json:"assessments"`
	Errors      uint64 `json:"errors"`
	// CacheHits and CacheMisses count evidence (DNS and TLS separately)
	// found fresh in the cache or not. StaleServes counts evidence served
	// stale because a refresh failed transiently.
	CacheHits   uint64 `json:"cache_hits"`
	CacheMisses uint64 `json:"cache_misses"`
	StaleServes uint64 `json:"stale_serves"`
	// Coalesced counts waits that shared another caller's lookup.
	Coalesced uint64 `json:"coalesced"`
	// DNSLookups counts TXT verifications run (each may be several DNS
	// queries: a UDP try, a TCP retry, several servers).
	DNSLookups uint64 `json:"dns_lookups"`
	// Handshakes counts TLS inspections run.
	Handshakes uint64 `json:"handshakes"`
	// RevocationFetches counts connections made for OCSP and CRL fetches
	// (a fetch that reuses a connection is not counted again).
	RevocationFetches uint64 `json:"revocation_fetches"`
	// Refusals counts dials the egress guard refused.
	Refusals uint64 `json:"refusals"`
}

type counters struct {
	assessments, errors, cacheHits, cacheMisses, staleServes, coalesced atomic.Uint64
	dnsLookups, handshakes, revocationFetches, refusals                 atomic.Uint64
}

// Stats returns a snapshot of the Checker's counters.
func (c *Checker) Stats() Stats {
	s := &c.stats
	return Stats{
		Assessments: s.assessments.Load(), Errors: s.errors.Load(),
		CacheHits: s.cacheHits.Load(), CacheMisses: s.cacheMisses.Load(), StaleServes: s.staleServes.Load(),
		Coalesced: s.coalesced.Load(), DNSLookups: s.dnsLookups.Load(), Handshakes: s.handshakes.Load(),
		RevocationFetches: s.revocationFetches.Load(), Refusals: s.refusals.Load(),
	}
}
