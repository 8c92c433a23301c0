// Package code holds every finding code of the module in one place. Codes
// are stable and dotted ("dns.txt_missing"): package label, the JSON report
// and CI gates key on them. Package label's documentation lists them.
package code

// The finding codes of package tlsinspect. A Report lists each at most once.
const (
	// HandshakeFailed: no TLS handshake completed (see HandshakeError).
	HandshakeFailed = "tls.handshake_failed"
	// VersionLegacy: the negotiated version is below TLS 1.2 (RFC 8996).
	VersionLegacy = "tls.version_legacy"
	// LegacyOnly: the server speaks only TLS 1.0/1.1 (or older), although
	// TLS 1.3 and 1.2 were offered.
	LegacyOnly = "tls.legacy_only"
	// CipherWeak: a TLS 1.0–1.2 suite without forward secrecy or without
	// AEAD, or with a broken cipher (RFC 9325 §4.2).
	CipherWeak = "tls.cipher_weak"

	// Untrusted: the chain does not verify to the configured roots.
	Untrusted = "cert.untrusted"
	// HostnameMismatch: the leaf is not valid for the host.
	HostnameMismatch = "cert.hostname_mismatch"
	// SelfSigned: the leaf is signed by its own key.
	SelfSigned = "cert.self_signed"
	// Expired: Now is after the leaf's NotAfter.
	Expired = "cert.expired"
	// NotYetValid: Now is before the leaf's NotBefore.
	NotYetValid = "cert.not_yet_valid"
	// KeyWeak: an RSA key under 2048 bits or an EC key under 256 bits in
	// the presented chain.
	KeyWeak = "cert.key_weak"
	// SHA1Signature: a certificate of the presented chain (other than a
	// self-signed root) is signed with SHA-1 or MD5.
	SHA1Signature = "cert.sha1_signature"
	// ValidityTooLong: the leaf's validity period exceeds the CA/Browser
	// Forum maximum for its issuance date (see doc.go).
	ValidityTooLong = "cert.validity_too_long"
	// NoRevocationPointer: the leaf has neither a CRL distribution point
	// nor an OCSP responder, and no stapled response was sent.
	NoRevocationPointer = "cert.no_revocation_pointer"
	// Revoked: a verified OCSP response or CRL says the leaf is revoked,
	// or a verified CRL says an intermediate CA of its chain is.
	Revoked = "cert.revoked"
	// RevocationUnknown: no source gave a verified answer.
	RevocationUnknown = "cert.revocation_unknown"
	// OVMissingOrg: an OV or EV certificate whose subject lacks O or C.
	OVMissingOrg = "cert.ov_missing_org"
	// CDN: the certificate looks like a CDN's, not the app's.
	CDN = "cert.cdn"
	// NoCertificate: the server presented no certificate.
	NoCertificate = "cert.none"
	// Codes of package label's rules.
	// URINotHTTPS: the redirect URI is not https (R1).
	URINotHTTPS = "uri.not_https"
	// URIPort: the redirect URI's port is not 443 (R2).
	URIPort = "uri.port"
	// TLSNotAssessed: the TLS endpoint could not be assessed.
	TLSNotAssessed = "tls.not_assessed"
	// CertDV, CertIV, CertTypeUnknown: the certificate names no legal entity (R5).
	CertDV          = "cert.dv"
	CertIV          = "cert.iv"
	CertTypeUnknown = "cert.type_unknown"
	// NameMissing, NameMisaligned: the app's name and its site or legal entity (R7).
	NameMissing    = "name.missing"
	NameMisaligned = "name.misaligned"
	// DNS: the TXT record (R6).
	DNSNotAssessed   = "dns.not_assessed"
	DNSWrongName     = "dns.wrong_name"
	DNSWrongClientID = "dns.wrong_client_id"
	DNSTXTMismatch   = "dns.txt_mismatch"
	DNSTXTMissing    = "dns.txt_missing"
	DNSLookupFailed  = "dns.lookup_failed"
	// SiteDevelopment: a development target, which cannot be assessed.
	SiteDevelopment = "site.development"

	// Codes of package appident's own findings.
	// EgressRefused: the egress guard refused a dial.
	EgressRefused = "egress.refused"
	// CacheStale: evidence served past its expiry (Config.MaxStale).
	CacheStale = "cache.stale"
	// EvidenceNotRenewed: evidence older than CacheTTL could not be renewed.
	EvidenceNotRenewed = "evidence.not_renewed"
	// EvidencePending: the assessment's budget ended before the evidence arrived.
	EvidencePending = "evidence.pending"
	// RefreshFailed: a Refresh's lookup failed.
	RefreshFailed = "refresh.failed"
	// RedirectMultipleSites: the app's registered redirect URIs span sites.
	RedirectMultipleSites = "redirect.multiple_sites"
	// AppNotAssessed: the app could not be assessed (an error of Assess).
	AppNotAssessed = "app.not_assessed"
)
