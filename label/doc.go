// Package label decides what a patient sees about an OAuth app on a consent
// screen, from the evidence gathered about its redirect URI. It is pure: no
// I/O, no clock; the same Evidence always gives the same Decision.
//
// # What the patient sees
//
// [Policy.Decide] turns [Evidence] (the site from etld, the TXT result from
// dnsverify, the TLS report from tlsinspect, the registered name, the
// validation flag and the persona) into a [Display]:
//
//	Shown                 Source                              Shown when
//	Application name      registration (Evidence.AppName)     described
//	Organization name     certificate subject O               described
//	Organization location certificate subject C, ST, L        described
//	                      as "US, MO, Kansas City"
//	Website domain        Site.DisplayDomain (else Site.Host)  always
//	"Validated"           Evidence.Validated                  whenever validated
//	"Unknown App"         —                                   not described
//
// An app is described in full only when every one of these holds (the
// default policy):
//
//   - the redirect URI is https on a public host, port 443, not a
//     development target (R1, R2);
//   - a TXT record "cerner-client-id=<client id>" at the eTLD+1 carries this
//     app's client id (R6);
//   - the TLS handshake used TLS 1.2 or 1.3 (R3);
//   - the certificate chain is trusted, valid for the host, not self-signed,
//     within its validity period and not revoked; an unknown revocation
//     status is allowed, with an info finding (R4);
//   - the certificate is OV or EV, names an organization and its country,
//     and is not a CDN's (R5).
//
// Otherwise the app is an "Unknown App": only the domain is shown (AppName,
// Organization and Location are empty); the patient is never blocked.
// "Validated" is shown whenever the app is validated, also next to "Unknown
// App". Whatever the rules say, the organization and location come only from
// a certificate that [tlsinspect.Report.LegalEntity] accepts (trusted, for
// the host, in date, not revoked, OV or EV with O and C, not a CDN's), and
// nothing is described without an organization to show
// ("label.no_organization"): a replaced or shortened rule list cannot show a
// CDN's or an untrusted certificate's organization. Every string shown goes through
// [Sanitize]; Labels is never nil.
//
// # Requirements
//
// [Decision].Requirements holds one [Result] per requirement, R1 … R8 in
// order, as zlint's lints give one result each: a [Status] (met, not_met,
// not_applicable, not_assessable), the evidence in words ("TLS1.3
// negotiated", "there is no cerner-client-id TXT record at
// examplehealth.com"), the fix for the developer and the findings. A
// requirement is not assessable when the evidence it needs is missing: a
// development target is not dialled, a lookup failed. Detail and Fix are
// written for people: they name the server or the reason in words, never a
// Go error (the findings keep those, for logs and JSON).
//
// The results and the findings say the same thing: a requirement met or not
// applicable has only info findings; one not met has a finding at the
// requirement's level (must for R1, should for the others, one step lower
// for provider and system apps). Decide holds this for any rule, a custom
// one included: a rule that says met with a should finding is not met.
//
// R8 (native apps use claimed https redirect URIs, RFC 8252 §7.2) is judged
// from the URI alone: https meets it as far as can be seen from outside the
// app; an http loopback redirect (RFC 8252 §7.3) does not; plain http on
// another host is a web app's, for which R8 is not applicable (R1 is not
// met). Private-use schemes are rejected by etld.Parse before there is
// Evidence.
//
// # The patient's notice
//
// [Display].Notice is one sentence for the patient, apart from the
// developer's findings: a stable key ([NoticeDescribed],
// [NoticeUnknownApp], [NoticeDevelopment]) that a consent page may
// translate, and a default English sentence ("We could not confirm who
// makes this app. …"). It never carries RFC citations, error messages or
// text a third party wrote.
//
// # Findings
//
// Each Result carries [Finding] values: a stable dotted code, a
// [Severity], a message saying what to do (`add a TXT record at
// examplehealth.com: "cerner-client-id=c1d2"`, "get an OV or EV certificate
// (this one is DV)"), the requirement, and whether it withholds the
// description. Decision.Findings lists them all, most severe first, in rule
// order within a severity; a code appears once there (when two rules report
// the same code the first message is kept, the stronger severity and
// withholding win). The codes:
//
//	site.development       dev target: cannot be assessed (info, withholds)
//	uri.not_https          R1  must (loopback too)                 withholds
//	uri.port               R2  should                              withholds
//	tls.not_assessed       R3–R5 no TLS report (TLS nil)           withholds
//	tls.handshake_failed   R3–R5 no handshake completed           withholds
//	tls.version_legacy     R3  TLS 1.0/1.1                         withholds
//	cert.none, cert.untrusted, cert.hostname_mismatch, cert.self_signed,
//	cert.expired, cert.not_yet_valid, cert.revoked
//	                       R4  should                              withhold
//	cert.revocation_unknown R4 info                                —
//	cert.dv, cert.iv, cert.type_unknown, cert.ov_missing_org, cert.cdn
//	                       R5  should                              withhold
//	dns.not_assessed       R6  no DNS result (DNS nil)             withholds
//	dns.txt_missing, dns.txt_mismatch, dns.lookup_failed,
//	dns.wrong_name, dns.wrong_client_id
//	                       R6  should                              withhold
//	name.misaligned        R7  should                              —
//	name.missing           R7  info                                —
//	native.loopback_http   R8  should                              —
//	requirement.not_met    a custom rule's not-met result without a finding
//	label.no_organization  nothing names a legal entity (must)     withholds
//	rule.panic             a rule panicked (must)                  withholds
//
// The TLS report's own findings (tls.cipher_weak, tls.legacy_only,
// cert.key_weak, cert.sha1_signature, cert.validity_too_long,
// cert.no_revocation_pointer, and codes unknown to this package, as info)
// join the result of R3, R4 or R5 with their codes; a should one among them
// makes that requirement not met, without withholding.
//
// When DNS or TLS is nil (not attempted), the rules that need it withhold
// with dns.not_assessed or tls.not_assessed, at info severity for a
// development target (not attempted on purpose) and should otherwise.
//
// # Personas and severities
//
// The requirements bind patient-facing apps and are recommendations for
// provider and system apps. For [Patient], a finding keeps its requirement's
// RFC 2119 level: MUST gives must, SHOULD gives should. For [Provider] and
// [System], every requirement finding is lowered one step: must becomes
// should, should becomes info (info stays info). Findings about the
// assessment itself (no Requirement: site.development, label.no_organization,
// rule.panic) keep their severity. The persona never changes what is shown:
// only severities.
//
// # Rules
//
// A [Rule] checks one requirement, zlint-style: one small file per rule, each
// with [Meta] (name, requirement, citation, source), returning a [Result].
// [DefaultRules] lists them in the order they run:
//
//	dev_target      rule_dev.go             development targets
//	r1_https        rule_r1_https.go        R1 https
//	r2_port         rule_r2_port.go         R2 port 443
//	r3_tls_version  rule_r3_tls_version.go  R3 TLS 1.2+, cipher suites
//	r4_certificate  rule_r4_certificate.go  R4 trusted, hostname, self-signed, validity, revocation, key
//	r5_ov_ev        rule_r5_ov_ev.go        R5 OV/EV, organization, CDN
//	r6_txt          rule_r6_txt.go          R6 TXT record at the eTLD+1
//	r7_name         rule_r7_name.go         R7 name alignment
//	r8_native       rule_r8_native.go       R8 native apps
//
// There is no global registry: a [Policy] holds its list, which an embedder
// may replace or extend. Where several rules check one requirement, their
// results combine (the worse status wins); where none does, it is not
// assessable. A rule that panics becomes a not-assessable result with a
// withholding "rule.panic" finding: the policy fails closed and Decide never
// crashes.
//
// R7 compares the registered name with the certificate's organization
// (unless it is a CDN's) and with the eTLD+1's label, word by word after
// NFKC normalization and lowercasing, ignoring legal forms (Inc, LLC, Ltd,
// Corp, GmbH, PLC, LLP …), stop words (the, app …) and generic words
// (health, medical …); "Example Health" aligns with examplehealth.com.
// Without an organization or a registrable domain (localhost, an IP
// address) R7 is not assessable. A misaligned name is not met (should) but
// does not withhold: the
// organization shown beside it tells the patient who is behind the app.
//
// # Security considerations
//
// Organization names, locations, hosts and app names are written by third
// parties. [Sanitize] strips bidirectional overrides and isolates, control
// and invisible characters (zero-width characters, soft hyphen, BOM, tag
// characters, variation selectors, Hangul fillers), caps stacked combining
// marks, collapses white space and bounds the length to [MaxRunes] runes, so
// that no field can hide, reorder or impersonate text around it. It does
// not escape HTML: "<script>" stays as text, and escaping is the renderer's
// job. Finding messages quote third-party strings with Go syntax (%q) and
// bound them; they are meant for developers, and must be escaped too.
//
// The decision fails closed: missing evidence, an unknown DNS status, an
// unparsed certificate type, a DNS result for another name or client id, and
// a panicking rule all keep the app from being described.
package label
