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
// golang.org/x/net/publicsuffix.
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
// # The host is the browser's host
//
// Browsers map a Unicode host to ASCII with UTS #46 of the current Unicode
// version, nontransitionally: ß stays ß ("faß.de" is "xn--fa-hia.de", not
// fass.de). Go 1.26's golang.org/x/net/idna has the Unicode 15.0 tables.
// This package follows UTS #46 of Unicode 17.0: comparing x/net's 15.0
// tables with its 17.0 ones (built for Go 1.27) over every code point
// leaves one character that both accept and map differently, U+1E9E ẞ,
// which maps to ß since Unicode 15.1 ("ẞ.com" is "xn--zca.com", not
// ss.com); this package maps it so. Every other difference is a character
// the 15.0 tables refuse (assigned after Unicode 15.0, or refused then and
// mapped now): such a host is refused, with the reason "unicode-version"
// when the character is newer than Go's tables, never read as another
// host. The examined host, its TXT lookup, TLS check and displayed name are
// therefore the browser's.
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
// Site.Development to the reasons ([Development]):
//
//	http://app.example.com/cb     plain http (DevPlainHTTP)
//	https://app.example.com:8443/ a port other than 443 (DevPort)
//	http://localhost:3000/cb      localhost, *.localhost, RFC 6761 (DevLocalhost)
//	https://127.0.0.1/cb          IP literals, v4 and v6; also https://127.1/ (DevIPLiteral)
//	https://app.test/cb           .test, .example, .invalid (RFC 6761), .local
//	                              (RFC 6762), .home.arpa (RFC 8375), .internal (DevReservedName)
//	https://intranet/cb           a single label (DevSingleLabel)
//
// # Errors
//
// [ETLDPlusOne] and [Parse] return an [*Error] whose Reason is one of:
// "empty", "empty-label", "label-too-long", "name-too-long", "ip-literal",
// "public-suffix", "single-label", "invalid-host", "invalid-punycode",
// "unicode-version" (the host, refused), and, from Parse only, "too-long"
// (over 8 KiB), "invalid-utf8", "whitespace", "control", "backslash",
// "not-absolute", "scheme", "private-scheme", "no-host", "userinfo",
// "fragment", "port", "percent-encoded-host", "syntax". Three match a
// sentinel with errors.Is, for callers that act on them: [ErrPrivateScheme]
// (advise a claimed https redirect URI), [ErrPublicSuffix], [ErrIPLiteral].
//
// # Security considerations
//
// Redirect URIs are written by third parties, and the same string can be
// read differently by different parsers. Parse refuses, with an [*Error],
// anything a browser
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
// # Domain display
//
// A domain can be written with letters of another script that look like
// Latin ones: "аррӏе.com" is Cyrillic. [DisplayDomain] shows a name in
// Unicode only where Chromium's IDN spoof checker (idn_spoof_checker.cc)
// would, and otherwise its A-label ("xn--80ak6aa92e.com"). Each label must
// pass these checks, in Chromium's order:
//
//   - every character is ASCII a–z, 0–9, "-", or in UTS #39's
//     Identifier_Status=Allowed set less the characters Chromium removes
//     (Latin Extended Additional and -D, Greek Extended, Cyrillic Extended-B
//     and -C, Pinyin letters, kra, U+0338, U+058A, U+2010, U+2019, U+2027,
//     U+30A0, U+02BB, U+02BC, U+02EC): no symbols, invisible characters,
//     Hangul Jamo, Hebrew points, IPA or historic scripts;
//   - no nonspacing mark twice in a row;
//   - digits of one numbering system;
//   - one script, or ASCII Latin with Han and Hiragana/Katakana, Han and
//     Bopomofo, or Han and Hangul (UTS #39 "highly restrictive");
//   - þ and ð only under .is and .fo, ə only under .az, · only in l·l under
//     .cat;
//   - not a whole-script confusable: a label whose letters of Armenian,
//     Cyrillic, Ethiopic, Georgian, Greek, Hebrew, an Indic script, Myanmar
//     or Thai all look like Latin letters ("аррӏе", "ոսւօ", "חסד") only
//     under a TLD of that script or of its countries (.ru, .am, .il, …);
//   - not made only of digits and characters that look like digits ("1շ");
//   - mixing scripts: no non-ASCII Latin letter, and none of Chromium's
//     dangerous patterns: ノ ン ソ ゾ 丶 乀 乁 丿 between non-Japanese
//     characters (they read as "/"), ヽ ヾ not after Katakana, Hiragana へ
//     among Katakana and Katakana ヘ among Hiragana, ー not after kana, ・
//     next to Latin, 一 丨 十 工 and other CJK characters that read as Latin
//     letters or dashes next to non-CJK characters, combining diacritics
//     after a non-Latin, -Greek or -Cyrillic character or on ı, the Kana
//     voicing marks, and a dot above on i, j or l.
//
// Then the name must not be a lookalike of one of Chromium's top domains
// (its domains.list of 8462 names): its UTS #39 skeleton (confusables.txt),
// also with diacritics removed, Chromium's extra mappings and its readings
// of þ, œ and ӏ, must not equal a top domain's on the last two to four
// labels, unless the name is that domain or under it ("googlé.com" reads
// as google.com and is shown as "xn--googl-fsa.com").
//
// The data is UTS #39 version 17.0.0 (Unicode 17) and Chromium's list of
// 2023-09 (Chrome 121); scripts come from Go's Unicode 15.0 tables, and a
// character Go's tables do not know is refused. Where this differs from
// Chromium it shows the A-label where Chromium shows Unicode, never the
// reverse, and rarely: one failing label hides the whole name (Chromium
// keeps the other labels in Unicode); the Identifier_Status of Unicode 17
// is used where Chromium's bundled ICU may be a version older (Bopomofo
// letters are no longer allowed); Chromium's short list of allowed
// whole-script-confusable words is not kept; Thai uses Chromium's larger
// Linux lookalike set; and Georgian კ counts as a digit lookalike. Bidi
// controls and invisible characters are never shown: they fail the first
// check. An ASCII name is returned as it is at no cost.
//
// The list is a snapshot: a suffix added after it was compiled is not
// known, so a host under it reads as having a shorter eTLD+1. Rebuild with
// a newer golang.org/x/net to update it. The IDN data lives in
// internal/idndata (see its SOURCE.md); "go generate" rebuilds tables.go
// from it.
package etld
