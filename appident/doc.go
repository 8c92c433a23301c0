// Package appident is the Checker an OAuth authorization server embeds to
// decide what a patient is told about a third-party app on the consent
// screen.
//
// Given an [App] (client id, name, redirect URIs, whether it passed formal
// validation, whom it serves), [Checker.Assess] finds the site of the
// primary redirect URI (package etld), checks the DNS TXT record
// "cerner-client-id=<client id>" at the site's eTLD+1 (package dnsverify)
// and inspects the certificate the redirect host serves (package
// tlsinspect), concurrently, then applies the policy (package label). The
// [Assessment] holds the evidence, the Display (app name, organization,
// location, domain, labels "Validated" and "Unknown App") and findings that
// tell the app's developer what to fix. It marshals to the JSON report of
// the outside contract.
//
//	checker, err := appident.New(appident.Config{})
//	...
//	a, err := checker.Assess(ctx, appident.App{
//		ClientID:     "bxdcd0ff-5der-4c15-b2tf-r28b105aa845",
//		Name:         "Example Health",
//		RedirectURIs: []string{"https://app.examplehealth.com/callback"},
//	})
//	if err != nil { ... } // the app could not be assessed at all
//	show(a.Display)
//
// # Embedding it in an authorization server
//
// Create one Checker at start-up and share it: it is safe for concurrent
// use, and its cache and its coalescing of lookups work across requests.
//
//   - At consent time, call Assess. Evidence is cached per site (the TXT
//     records per eTLD+1, the TLS inspection per host and port) for
//     Config.CacheTTL, 12 hours by default, and each app's decision is
//     remembered with the evidence it rests on, so a consent page normally
//     costs two cache reads and a copy (about a microsecond). Apps on the
//     same domain share the evidence; the display is decided for each app. Concurrent requests
//     for the same site share one DNS lookup and one TLS handshake, run under
//     a context of their own, so one request giving up never fails the
//     others.
//   - Nightly (or hourly), re-verify every registered app with
//     [Checker.AssessAll], which runs Config.Concurrency assessments at once
//     and yields each result as it finishes; one app's error never stops
//     the batch (see the loop below).
//   - When a developer says they fixed a TXT record or a certificate, call
//     [Checker.Refresh]: it looks the evidence up again now and replaces the
//     cached evidence for every app on the site.
//
// The nightly re-verification:
//
//	for r := range checker.AssessAll(ctx, apps) {
//		if r.Err != nil {
//			log.Printf("%s: %v", r.App.ClientID, r.Err)
//			continue
//		}
//		store(r.App.ClientID, r.Assessment.Display)
//	}
//
// Assess returns an error only when an app cannot be assessed at all: an
// empty client id, no redirect URI, an unparseable primary redirect URI (a
// [*RedirectURIError] wrapping etld's error), or a context already done.
// A development target (localhost, an IP literal, a reserved name, plain
// http, a port other than 443) is not looked up: its Assessment shows the
// domain as "Unknown App" with a "site.development" finding. A failed DNS
// lookup, a failed handshake, a refused dial are evidence, and the domain
// is always shown.
//
// When refreshing evidence fails transiently (a resolver timeout, a
// connection reset), the earlier evidence is served for up to
// Config.MaxStale with an info finding "cache.stale", so a resolver hiccup
// never downgrades a described app. Failures are remembered for
// Config.FailureTTL. The cache is an in-memory LRU by default; implement
// [Cache] to share evidence across a fleet of servers. [Checker.Stats]
// reports counters for monitoring.
//
// Package appident/appidenttest runs an offline world (DNS, CA, TLS, OCSP
// and CRL servers on loopback) and a Config wired to it, for testing an
// integration.
//
// # Security considerations
//
// Redirect URIs, and the OCSP and CRL URLs inside the certificates their
// hosts serve, are written by third parties. Dialling them from inside an
// authorization server is a server-side request forgery risk: a redirect
// host could resolve to 127.0.0.1, to a database on 10.0.0.5 or to a cloud
// metadata service at 169.254.169.254. Every connection the Checker makes
// therefore passes an egress guard: the redirect host may be dialled only
// at a public address on port 443, OCSP and CRL servers only at public
// addresses on ports 80 and 443. With the default Dialer (and with any
// *net.Dialer) the guard checks, in the dialer's Control, the address
// actually being connected to, after resolution, so DNS rebinding cannot
// get around it; any other Dialer is checked on the address it connected
// to, before a byte is sent. A refused dial is a finding ("egress.refused")
// and its error matches [ErrRefused].
//
// Config.AllowPrivate lifts the address and port rules. Set it only in
// development and tests (package appidenttest sets it because its servers
// listen on loopback), never in a server that assesses apps registered by
// others.
//
// The display fails closed: an app that is not described in full shows
// only its domain and the "Unknown App" label, whatever evidence is
// missing, and a failed or abandoned lookup never counts in the app's
// favour. Everything displayed comes from the policy, which shows
// organization names and locations sanitized (bidi controls and invisible
// characters stripped) and domains in Unicode only where that cannot
// mislead. Finding messages quote third-party data (addresses, certificate
// fields): escape them when rendering HTML.
//
// Every lookup is bounded in time (Config.DNSTimeout, Config.TLSTimeout
// and, for a whole assessment, Config.Timeout) and the cache in size
// (Config.CacheSize), so a slow or hostile site cannot tie up the server.
package appident
