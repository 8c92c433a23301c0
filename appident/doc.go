// Package appident is the Checker an OAuth authorization server embeds to
// decide what a patient is told about a third-party app on the consent
// screen.
//
// Given an [App] (client id, name, redirect URIs, whether it passed formal
// validation, whom it serves) and the redirect URI of the authorization
// request, [Checker.Assess] finds the site that URI lives on, the site the
// authorization code goes to (package etld), checks the DNS TXT record
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
//		RedirectURI:  req.RedirectURI, // this request's; "" means the primary
//	})
//	if a == nil { ... } // no site could be named: refuse the request
//	show(a.Display)     // with an error too, a fail-closed display
//
// # Embedding it in an authorization server
//
// Create one Checker at start-up and share it: it is safe for concurrent
// use, and its cache and its coalescing of lookups work across requests.
//
//   - At consent time, call Assess with the request's redirect URI
//     (App.RedirectURI): it must be one of the registered ones
//     ([ErrUnregisteredRedirectURI] otherwise). Assess answers within
//     Config.Timeout (3 seconds by default): evidence not there by then
//     leaves the Assessment Pending, shown as Unknown App, while the lookup
//     finishes in the background for the next patient. Evidence is cached
//     per site (the TXT records per eTLD+1, the TLS inspection per host and
//     port), and each app's decision is remembered with the evidence it
//     rests on, so a consent page normally costs a few cache reads and a
//     copy. Concurrent requests for the same site share one DNS lookup and
//     one TLS handshake, run under a context of their own, so one request
//     giving up never fails the others.
//   - Nightly (or hourly), re-verify every registered app with
//     [Checker.AssessAll], which looks up Config.Concurrency sites at once
//     and yields each result as it finishes; one app's error never stops
//     the batch (see the loop below).
//   - When a developer says they fixed a TXT record or a certificate, call
//     [Checker.Refresh]: it looks the evidence up again now and replaces the
//     cached evidence for every app on the site.
//   - At shutdown, call [Checker.Close]: it stops the background work and
//     waits for it.
//
// The nightly re-verification:
//
//	for r := range checker.AssessAll(ctx, apps) {
//		if r.Err != nil {
//			log.Printf("%s: %v", apps[r.Index].ClientID, r.Err)
//			continue
//		}
//		store(apps[r.Index].ClientID, r.Assessment.Display)
//	}
//
// Assess returns an error only when an app cannot be assessed at all: an
// empty client id, no redirect URI, an unregistered or unparseable one
// (etld's error, wrapped), or a closed Checker; where a site can still be
// named, a fail-closed Assessment of its domain comes with the error.
// A development target (localhost, an IP literal, a reserved name, plain
// http, a port other than 443) is not looked up: its Assessment shows the
// domain as "Unknown App" with a "site.development" finding. A failed DNS
// lookup, a failed handshake, a refused dial are evidence, and the domain
// is always shown.
//
// # The 12-hour promise
//
// Changes to a TXT record or a certificate are recognised within
// Config.CacheTTL (12 hours), also when the network misbehaves and when the
// site is hostile. Evidence is renewed in the background from three
// quarters of its lifetime on, retried about every minute while that fails,
// so a transient failure near its end downgrades nothing. No display rests
// on evidence older than CacheTTL: past it without a successful renewal, the
// app is Unknown App with an "evidence.not_renewed" finding that says why.
// TLS evidence lives CacheTTL from the production of the revocation status
// it rests on (a staple counts only if the CA produced it within CacheTTL),
// so a site that resets the Checker's connections after its revocation
// loses its organization within 12 hours. Config.MaxStale lets DNS evidence
// outlive CacheTTL during a resolver outage, knowingly trading the promise
// for availability. A Refresh that fails says so ("refresh.failed").
//
// The cache is in memory, bounded; set Config.Cache to share evidence
// across a fleet of servers (package appident/rediscache puts it in Redis).
// [Checker.Stats] reports counters for monitoring.
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
// Every lookup is bounded in time (Config.DNSTimeout, Config.TLSTimeout;
// an assessment's wait by Config.Timeout) and the cache in size
// (Config.CacheSize), so a slow or hostile site cannot tie up the server.
package appident
