// Package appidentexpvar exports a Checker's counters ([appident.Stats])
// through the standard library's expvar, so that they appear at
// /debug/vars next to the process's memory statistics and can be scraped
// by anything that reads expvar's JSON.
//
// It is a package of its own because importing expvar registers the
// /debug/vars handler on http.DefaultServeMux: a program that embeds a
// Checker opts in by importing this package, and package appident stays
// free of that side effect.
//
//	checker, err := appident.New(cfg)
//	...
//	if err := appidentexpvar.Publish("appident", checker); err != nil { ... }
//	// GET /debug/vars then holds
//	// "appident": {"assessments": 12, "errors": 0, "cache_hits": 20, ...}
//
// # Metrics
//
// The variable is a JSON object with one member per field of
// [appident.Stats], named by the field's JSON name, read afresh from
// [appident.Checker.Stats] on every request. All but one are counters: a
// count of events (unit "1", as OpenTelemetry writes it) since the
// Checker was made, that only grows, so a scraper takes its rate:
//
//	assessments          calls of Assess (and Refresh)
//	errors               of those, the calls that returned an error
//	pending              of those, the assessments whose budget or context ended before the evidence arrived
//	cache_hits           evidence (DNS and TLS counted apart) served from the cache
//	cache_misses         evidence waited for
//	coalesced            waits that shared another caller's lookup instead of making one
//	dns_lookups          TXT lookups run (each one or more DNS queries)
//	handshakes           TLS inspections run
//	refusals             dials the egress guard refused
//	shared_cache_errors  errors of the shared cache (Config.Cache), each failed open
//	lease_waits          waits for another process's lookup of the same evidence (the shared cache's lease)
//
// and one is a gauge, a level read as it is (unit "1"):
//
//	in_flight            lookups asked for and not yet finished
//
// A field added to Stats later is exported the same way, under its JSON
// name; [appident.Stats] documents each.
package appidentexpvar

import (
	"expvar"
	"fmt"
	"sync"

	"github.com/consenttrust/appverify/appident"
)

// Var returns an expvar.Var whose value is c's Stats as a JSON object,
// read when it is rendered, for callers that publish it themselves (under
// an expvar.Map of their own, say).
func Var(c *appident.Checker) expvar.Var {
	return expvar.Func(func() any { return c.Stats() })
}

// publishing makes Publish's check and publication one step.
var publishing sync.Mutex

// Publish publishes c's Stats as the expvar variable name. Unlike
// expvar.Publish, it returns an error, instead of panicking, when name is
// empty or already published (two Checkers need two names).
func Publish(name string, c *appident.Checker) error {
	if name == "" {
		return fmt.Errorf("appidentexpvar: empty variable name")
	}
	if c == nil {
		return fmt.Errorf("appidentexpvar: variable %q: nil Checker", name)
	}
	publishing.Lock()
	defer publishing.Unlock()
	if expvar.Get(name) != nil {
		return fmt.Errorf("appidentexpvar: variable %q is already published", name)
	}
	expvar.Publish(name, Var(c))
	return nil
}
