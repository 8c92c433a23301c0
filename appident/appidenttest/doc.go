// Package appidenttest runs an offline world for testing code that embeds an
// appident.Checker, in the spirit of net/http/httptest: one call starts a
// real DNS server, a test certificate authority, TLS servers and an OCSP and
// CRL server, all on loopback, and returns an appident.Config wired to them.
//
//	w, err := appidenttest.NewWorld()
//	if err != nil { ... }
//	defer w.Close()
//	site, err := w.AddSite(appidenttest.SiteOptions{
//		Host:         "app.examplehealth.com",
//		Type:         tlsinspect.OV,
//		Organization: "Example Health, Inc.", Country: "US", State: "MO", Locality: "Kansas City",
//		ClientIDs:    []string{"my-client-id"},
//	})
//	checker, err := appident.New(w.Config())
//	a, err := checker.Assess(ctx, appident.App{ClientID: "my-client-id", RedirectURIs: []string{site.URI}})
//
// Nothing in the world touches the internet: its Dialer reaches only the
// world's own servers, and names not added answer NXDOMAIN. Sites need
// names under real public suffixes ("examplehealth.com"): names under
// .test, .example or .localhost are development targets that a Checker
// does not look up.
//
// The package does not depend on package testing, so programs (a demo, a
// command's integration test) can use it too; [New] is a convenience for
// tests.
//
// The world counts what its servers see ([World.DNSQueries],
// [Site.Handshakes], [World.OCSPRequests], [World.CRLRequests]), so a test
// can assert how many lookups and handshakes a Checker made; its clock
// ([World.SetNow], [World.Advance]) drives both the Checker (through
// Config.Now) and the revocation server, so cache expiry can be tested
// without sleeping.
//
// Faults: a site can be down, silent or answer garbage for good
// ([SiteOptions].TLSFault, [Site.SetDown]), its eTLD+1 can answer an rcode
// ([World.SetDNSFault]), and it can fail a fraction of DNS queries and TLS
// connections, random but fixed by a seed ([Site.SetFaults]), at any time
// after it was added.
//
// Certificates change as they do in the field: [Site.Reissue] replaces a
// site's certificate, [Site.SetStaple] turns OCSP stapling on or off, and
// [Site.SetRevocationTimes] dates the OCSP responses and CRLs about it.
//
// To run a whole OAuth flow, a site can host the app's callback
// ([SiteOptions].Handler, [Site.SetHandler]) and [World.Client] is a
// browser or back end that reaches both the world's sites and servers on
// loopback, such as an authorization server on httptest
// ([World.LoopbackCertificate] for one on https).
//
// For a command line: [World.DNSAddr] is a -dns server, [World.RootPEM] a
// -cacert file and [World.TLSAddr] the target of a curl-style -connect-to.
package appidenttest
