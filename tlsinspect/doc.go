// Package tlsinspect reads what a redirect host's TLS certificate says about
// who runs the site, and judges whether to believe it.
//
// A patient-facing consent screen may show an app's organization and
// location only when a valid, publicly trusted OV or EV certificate
// associates a legal entity with the site. This package supplies the facts;
// package label decides what to show.
//
// # What a certificate says
//
// [Classify] reads the kind of validation from the certificate's policy
// OIDs, which the CA/Browser Forum Baseline Requirements (§7.1.2.7) make
// mandatory in subscriber certificates:
//
//	2.23.140.1.1     EV  extended validation
//	2.23.140.1.2.2   OV  organization validated
//	2.23.140.1.2.3   IV  individual validated
//	2.23.140.1.2.1   DV  domain validated
//
// A certificate carrying several is classified as the strongest. CA-specific
// EV OIDs that browsers accept (DigiCert 2.16.840.1.114412.2.1, Sectigo
// 1.3.6.1.4.1.6449.1.2.1.5.1, ...) also count as EV; the table and its sources
// are in classify.go. OV and EV associate a legal entity with the site; IV
// and DV do not.
//
// The report carries the subject's organization (O) and location (C, ST, L,
// displayed as "US, MO, Kansas City"). Every value is cleaned as
// label.Sanitize cleans (one cleaning for the module): control, bidi and
// invisible characters are removed, white space is collapsed, the length
// bounded; a value that is only dots, dashes or spaces counts as absent. An OV or EV subject must carry
// O and C.
//
// # Whether to believe it
//
// [Inspector.Inspect] performs a TLS handshake with the host (offering TLS
// 1.0 to 1.3, so that a legacy server still yields a report) and verifies the
// chain itself afterwards, so that a [Report] exists even for a bad
// certificate: trust to the configured roots at Now (hostname aside), the
// hostname, validity dates, self-signature, revocation, key and signature
// strength, validity period. [Report.LegalEntity] returns the organization
// and location only for a trusted, hostname-matching, in-date, unrevoked OV
// or EV certificate that is not a CDN's and names O and C; weak keys, SHA-1
// signatures and over-long validity are findings, which package label weighs,
// not reasons for LegalEntity to withhold.
//
// Revocation is tri-state: good, revoked or unknown, with its source and when
// the deciding status was produced (Report.RevocationAt). The stapled OCSP
// response is tried first if the CA produced it (thisUpdate) at most
// Inspector.MaxStapleAge ago (12 hours by default: a staple valid for days
// would otherwise hide a revocation as long), then the certificate's CRL
// distribution points (Let's Encrypt ended OCSP in 2025, so CRLs are now the
// main path; CRLs are cached per URL until their nextUpdate, at most 12 hours,
// in a bounded [CRLCache]; partitioned CRLs are accepted when they come from
// the certificate's own distribution point and their issuingDistributionPoint
// names it), then the certificate's OCSP responders. A response counts only
// when it verifies against the issuer in the verified chain (or a delegated
// responder that issuer certified for OCSP signing) and is current. Unknown
// is a soft failure by default, as in browsers; [Inspector.HardFail] makes it
// deny trust.
//
// The intermediates of the verified chain (up to three, nearest the leaf
// first; not the root) are checked too, softly and by CRL only: one that
// names CRL distribution points is checked against its issuer's CRL as the
// leaf is (signature by the issuer, freshness, issuingDistributionPoint
// scope, the same cache, fetch dialer and bounds). A revoked intermediate
// makes the report revoked, with a reason naming it ("issuing CA certificate
// "X" revoked at ..."), even when the leaf's own status is good. An
// intermediate whose status cannot be learned (no CRL distribution point, a
// failed fetch, an unusable CRL) changes nothing: the leaf's status stands,
// and HardFail concerns the leaf's status only. Intermediates' OCSP
// responders are not queried; revoked intermediates without CRLs are left to
// the root programs, which distribute them to clients (Mozilla's OneCRL,
// Chrome's CRLSet).
//
// A CDN may present its own certificate for an app's host. When the subject
// organization is a known CDN operator's (Cloudflare, Akamai, Fastly, Amazon
// CloudFront, ...) or the SANs span more than ten registrable
// domains, the report says CDN and leaves Organization and Location empty:
// the CDN's organization is never presented as the app's. The operator's
// organization on a host of a registrable domain it runs itself
// (login.microsoftonline.com, dash.cloudflare.com) is the site's own, not a
// CDN's: see [DetectCDN].
//
// # Findings
//
// Each [Finding] has a stable code; package label assigns severities.
//
//	tls.handshake_failed     no handshake completed (Inspect also returns a *HandshakeError)
//	tls.version_legacy       negotiated TLS 1.0 or 1.1 (RFC 8996)
//	tls.legacy_only          the server speaks nothing newer than TLS 1.1
//	tls.cipher_weak          a TLS 1.0–1.2 suite without ECDHE and AEAD (RFC 9325 §4.2)
//	cert.none                no certificate presented
//	cert.untrusted           the chain does not verify to the roots (or hard-fail revocation)
//	cert.hostname_mismatch   the certificate is not valid for the host
//	cert.self_signed         the leaf signed itself
//	cert.expired             Now is after NotAfter
//	cert.not_yet_valid       Now is before NotBefore
//	cert.key_weak            RSA under 2048 bits or EC under 256 bits in the chain
//	cert.sha1_signature      a SHA-1 (or MD5) signature in the chain, roots aside
//	cert.validity_too_long   longer than the CA/Browser Forum allows (see below)
//	cert.no_revocation_pointer  no CRL distribution point, OCSP URL or staple
//	cert.revoked             a verified OCSP response or CRL says revoked (the leaf or an intermediate)
//	cert.revocation_unknown  a trusted chain whose status nobody answered
//	cert.ov_missing_org      OV or EV without subject O or C
//	cert.cdn                 a CDN's certificate, not the app's
//
// The maximum validity applied is the CA/Browser Forum's for the issuance
// date (NotBefore): 398 days from 2020-09-01, 200 days from 2026-03-15, 100
// days from 2027-03-15 and 47 days from 2029-03-15 (Ballot SC-081).
//
// # Security considerations
//
// The hosts and everything in their certificates are written by third
// parties.
//
//   - Every connection goes through [Inspector.Dialer], OCSP and CRL fetches
//     through [Inspector.FetchDialer]: an egress guard that refuses loopback,
//     private and other special-purpose addresses (and checks the address
//     actually connected to) belongs there. The default *net.Dialer refuses
//     nothing.
//   - URLs inside certificates (OCSP responders, CRL distribution points) are
//     requests to fetch from places an attacker chose: they are followed only
//     for a certificate whose chain verified to the trusted roots, so an
//     attacker needs a publicly trusted CA's signature on them; only http and
//     https URLs are fetched, at most two of each kind per certificate (and
//     two CRL URLs for each of at most three intermediates); no
//     proxy from the environment is used; redirects are not followed.
//   - Every read is bounded: the handshake by Timeout and MaxHandshakeBytes
//     (a multi-megabyte chain fails fast with ErrTooLarge), each fetch by
//     FetchTimeout and MaxFetchBytes, the CRL cache in entries and bytes.
//   - A CRL is checked (issuer name, then signature over its signed part)
//     before any of its entries is read, and is then kept as sorted serial
//     numbers, less than its DER size: a forged CRL costs its bytes, a
//     genuine one under twice its size while it is read.
//   - Subject strings are sanitized before they are returned; they remain
//     claims, to be shown only when [Report.LegalEntity] allows.
//   - CDNs: a certificate served by a CDN names the CDN, not the app.
//   - The handshake offers legacy versions and weak suites to learn what the
//     server speaks; the connection carries no application data and is
//     closed at once.
package tlsinspect
