// Package dnsverify proves that a site hosts an app, from the site's DNS TXT
// records.
//
// # The record
//
// A site says "this app is mine" by publishing a TXT record
//
//	example.com.  300  IN  TXT  "cerner-client-id=bxdcd0ff-5der-4c15-b2tf-r28b105aa845"
//
// where the value is the client id the platform issued to the app at
// registration. The record lives at the eTLD+1 (the registrable domain) of the
// app's primary redirect URI: for https://app.example.co.uk/callback it is
// example.co.uk, found with package etld. It sits at the apex alongside every
// other vendor's verification records, so the TXT RRset there is often large.
// Without it the app is shown as "Unknown App" with only its domain; the
// patient is never blocked.
//
// # The format
//
// [ClientIDs] reads ONE TXT record, given its character-strings (a TXT
// record is a list of strings of at most 255 bytes each). The decisions,
// from the platform's guidance and common practice:
//
//   - The strings of one record are concatenated before parsing (RFC 7208
//     §3.3, the IETF domain-verification draft), so an id split across strings
//     is whole again: ["cerner-client-id=abcd", "ef-1234"] holds abcdef-1234.
//   - Several apps may publish several records, and several ids may share one
//     record, one pair per line: both are accepted. Pairs are separated by
//     white space, ',' or ';', and the key starts a new pair wherever it
//     appears in the joined text, so ["cerner-client-id=a",
//     "cerner-client-id=b"] holds a and b.
//   - The key is case-insensitive (RFC 1464 attribute names); spaces around
//     '=' are tolerated.
//   - Ids are opaque tokens, compared exactly after trimming (the published
//     example is not even a valid UUID): no case folding, no UUID parsing.
//     Matching surrounding quotes are removed.
//   - Bytes that are not printable ASCII end an id. At most 64 KiB of a
//     record are examined (more than a DNS message holds).
//
// [Match] decides, purely, what the records at a name say about one client
// id. Limits bound work (bytes examined, records read), never whose id is
// verified: an app is verified if a record at its eTLD+1 carries its id,
// however many other ids and records the answer holds and in whatever order
// they come. One [Verifier.Lookup] of a site serves Match for every app on it.
//
// # The outcomes
//
// [Verifier.Verify] looks the records up and reports a [Result] whose
// [Status] is one of
//
//   - verified: a record at the name carries the client id;
//   - mismatch: cerner-client-id records exist, none with this id (another
//     app's, or a typo);
//   - not_found: the name does not exist (NXDOMAIN), exists without TXT
//     records (NODATA), or has no cerner-client-id record;
//   - error: the lookup failed, and nothing is known about the records.
//
// Failures are typed: one [*LookupError], whose [Kind] says what went
// wrong (not_found for NXDOMAIN and NODATA, servfail, refused, rcode,
// malformed, unreachable when no server answered at all, timeout,
// canceled, invalid_name) and whose Servers name the servers asked. When
// every try fails, the error is the most telling failure: a SERVFAIL or
// REFUSED from one server is not hidden by a later server's silence.
// [IsNotFound] and [IsTemporary] classify errors from any [Resolver],
// *net.Resolver's included, by their type and flags, never their text.
// "Not found" and "failed" are never confused: an app must not lose its
// description because a resolver hiccupped, so a cache should keep serving
// what it knew when IsTemporary reports true.
//
// # Resolvers
//
// The [Verifier] asks a [Resolver], which *net.Resolver satisfies. The
// default is [Client], a stub resolver on github.com/miekg/dns that asks
// the recursive resolvers of /etc/resolv.conf (or its own list) over UDP
// with EDNS0 and falls back to TCP on truncation, checks each answer against
// the question, follows CNAME chains, and reports the TTL, the AD bit and
// the server. A *net.Resolver tells less: its errors carry flags, not the
// rcode (REFUSED is KindRcode through it), and the error names the
// resolver configuration it used.
//
// # Security considerations
//
// Whoever controls a zone's TXT records controls what this package reports
// for it: the record proves control of the DNS, nothing more. The answer is
// only as trustworthy as the path to the recursive resolver. The [Client]
// rejects answers whose ID, question name, type or class differ from its
// query, and ignores records of other names, but it does not validate DNSSEC
// itself: [Result.Authenticated] repeats the resolver's AD bit, which means
// something only over a trusted path to a validating resolver.
//
// *net.Resolver, when used as the Resolver, returns the TXT records of every
// owner name in an answer, not only those of the name asked (a resolver on
// the path could inject a record for another name); the [Client] does not.
// *net.Resolver also does not abort a query in flight when its context is
// canceled: the [Verifier] returns on time anyway and lets the query finish
// in the background.
//
// Answers are bounded: at most 256 records, a 1232-byte message over UDP
// and the protocol's 65535 bytes over TCP, 8 CNAME links, each try bounded
// by [Client.Timeout]. Records are attacker-controlled text: ids are
// returned as printable ASCII only, but display them escaped all the same.
package dnsverify
