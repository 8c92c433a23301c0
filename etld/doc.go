// Package etld finds the site a redirect URI lives on: its registrable
// domain, or eTLD+1, from the Public Suffix List.
//
// # Public suffixes and the eTLD+1
//
// A public suffix is a name under which anyone can register names of their
// own. "com" is one: Amazon and Google registered amazon.com and
// google.com. It need not be a top-level domain: "co.uk" and "kobe.jp" are
// public suffixes too, and so, in the list's private section, are names
// such as "github.io" under which a company hands out names to its users.
// A public suffix is also called an effective top-level domain, or eTLD.
//
// The eTLD+1 is the public suffix plus one more label: the name someone
// registered, and so the unit of ownership on the web. These hosts all have
// the eTLD+1 "example.co.uk", because their public suffix is "co.uk":
//
//   - www.login.example.co.uk
//   - login.example.co.uk
//   - example.co.uk
//
// There is no closed-form rule: the eTLD depends on the list's contents,
// with wildcards and exceptions. "*.kobe.jp" makes every name under kobe.jp
// a public suffix, except "city.kobe.jp" (the rule "!city.kobe.jp"), so
//
//	a.b.c.kobe.jp     → b.c.kobe.jp
//	www.city.kobe.jp  → city.kobe.jp
//	c.kobe.jp         → no eTLD+1: it is a public suffix itself
//	a.b.example       → b.example (a TLD not on the list counts as one label, rule "*")
//
// This package uses the snapshot of the list compiled into
// golang.org/x/net/publicsuffix; [PSLVersion] names it.
//
// # Full list or ICANN section only
//
// The list has two sections. The ICANN section holds the suffixes of the
// domain name system's registries (com, co.uk, kobe.jp); the private
// section holds those of companies that let users register under their
// names (github.io, blogspot.com, s3.amazonaws.com). A [Parser] reads it in
// one of two modes:
//
//	host                        Full (the default)          ICANNOnly
//	my-project.github.io        my-project.github.io        github.io
//	www.example.co.uk           example.co.uk               example.co.uk
//	a.b.compute.amazonaws.com   a.b.compute.amazonaws.com   amazonaws.com
//
// [Full] matches what browsers call a "site": my-project.github.io cannot
// read another user's cookies on github.io, and it is its own site. Its
// owner controls the name and can publish DNS records under it only when
// the platform lets them. [ICANNOnly] reproduces the registration
// guidance's published example, in which my-project.github.io gives
// github.io. The zero Parser, [ETLDPlusOne] and [Parse] use Full.
//
// # Why it matters here
//
// The patient sees the eTLD+1 of the app's redirect URI on the consent
// screen, and the app proves that the site hosts it with a DNS TXT record
// "cerner-client-id=<client id>" at that same name. The eTLD+1 therefore
// decides where the record is looked up: for
// https://login.app.example.co.uk/callback the record lives at
// example.co.uk, not at login.app.example.co.uk nor at co.uk. A wrong
// reading of the list would send the lookup to a name the app's owner
// cannot write: co.uk, or github.io for an app at my-project.github.io.
// In ICANNOnly mode such an app is looked up, and shown, as github.io:
// choose the mode with that in mind.
//
// Names are compared and looked up in lowercase ASCII: Unicode labels are
// converted to A-labels ("Bücher.de" is "xn--bcher-kva.de"), with the
// Lookup profile of golang.org/x/net/idna less its rule against "--" in a
// label's third and fourth places, as browsers run it (the WHATWG URL
// Standard sets CheckHyphens=false), so that registered names such as
// "r3---sn-abc.googlevideo.com" are read as browsers read them; a label
// starting or ending with a hyphen is refused. [ETLDPlusOne] normalizes its
// input that way; a host already in lowercase ASCII skips IDNA entirely
// and costs about what publicsuffix.EffectiveTLDPlusOne costs.
//
// # Redirect URIs and development targets
//
// [Parse] reads a redirect URI into a [Site]: scheme, host, effective
// port, public suffix, eTLD+1, whether the suffix is ICANN's, and the
// eTLD+1 as the patient should see it ([DisplayDomain]).
//
// Some redirect URIs point at a developer's machine or a private network.
// They are allowed but cannot be assessed: no certificate or DNS record
// there says anything about who runs the app. Parse accepts them and sets
// Site.Development with the reason ([DevReason]):
//
//	http://app.example.com/cb     plain http
//	https://app.example.com:8443/ a port other than 443
//	http://localhost:3000/cb      localhost, *.localhost (RFC 6761)
//	https://127.0.0.1/cb          IP literals, v4 and v6; also https://127.1/
//	https://app.test/cb           .test, .example, .invalid (RFC 6761), .local
//	                              (RFC 6762), .home.arpa (RFC 8375), .internal
//	https://intranet/cb           a single label
//
// # Security considerations
//
// Redirect URIs are written by third parties, and the same string can be
// read differently by different parsers. Parse refuses, with a
// [*ParseError] whose Reason matches a sentinel error, anything a browser
// might read as another host than net/url does: userinfo
// ("https://good.com@evil.com/" is evil.com), backslashes (browsers read
// "\" as "/"), white space and control or invisible characters anywhere, a
// percent-encoded host, "https:host" and "https:///host" (which browsers
// forgive), and a fragment (RFC 6749 §3.1.2). It reads the authority
// itself and then requires net/url to agree. Hosts that browsers read as
// IPv4 addresses ("127.1", "0x7f.0.0.1", "2130706433") are IP literals.
// Private-use schemes of native apps ("com.example.app:/cb") are refused
// with [ErrPrivateScheme]: RFC 8252 §7.2 advises a claimed https redirect.
//
// A domain can be written with letters of another script that look like
// Latin ones: "аррӏе.com" is Cyrillic. [DisplayDomain] shows Unicode only
// when every label passes spoof checks modelled on Chromium's IDN policy
// (one script per label, with the usual CJK combinations; characters
// allowed in identifiers; no invisible or bidi controls; no whole-label
// Cyrillic or Greek lookalike of Latin under a TLD of another script), and
// otherwise the A-label ("xn--80ak6aa92e.com"). The checks approximate UTS
// #39 with the standard library's Unicode tables and err towards the
// A-label.
//
// The list is a snapshot: a suffix added after it was compiled is not
// known, so a host under it reads as having a shorter eTLD+1. Rebuild with
// a newer golang.org/x/net to update it.
package etld
