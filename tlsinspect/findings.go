package tlsinspect

// The finding codes. They are stable: package label and the JSON report key
// on them. A Report lists each at most once.
const (
	// CodeHandshakeFailed: no TLS handshake completed (see HandshakeError).
	CodeHandshakeFailed = "tls.handshake_failed"
	// CodeVersionLegacy: the negotiated version is below TLS 1.2 (RFC 8996).
	CodeVersionLegacy = "tls.version_legacy"
	// CodeLegacyOnly: the server speaks only TLS 1.0/1.1 (or older), although
	// TLS 1.3 and 1.2 were offered.
	CodeLegacyOnly = "tls.legacy_only"
	// CodeCipherWeak: a TLS 1.0–1.2 suite without forward secrecy or without
	// AEAD, or with a broken cipher (RFC 9325 §4.2).
	CodeCipherWeak = "tls.cipher_weak"

	// CodeUntrusted: the chain does not verify to the configured roots.
	CodeUntrusted = "cert.untrusted"
	// CodeHostnameMismatch: the leaf is not valid for the host.
	CodeHostnameMismatch = "cert.hostname_mismatch"
	// CodeSelfSigned: the leaf is signed by its own key.
	CodeSelfSigned = "cert.self_signed"
	// CodeExpired: Now is after the leaf's NotAfter.
	CodeExpired = "cert.expired"
	// CodeNotYetValid: Now is before the leaf's NotBefore.
	CodeNotYetValid = "cert.not_yet_valid"
	// CodeKeyWeak: an RSA key under 2048 bits or an EC key under 256 bits in
	// the presented chain.
	CodeKeyWeak = "cert.key_weak"
	// CodeSHA1Signature: a certificate of the presented chain (other than a
	// self-signed root) is signed with SHA-1 or MD5.
	CodeSHA1Signature = "cert.sha1_signature"
	// CodeValidityTooLong: the leaf's validity period exceeds the CA/Browser
	// Forum maximum for its issuance date (see doc.go).
	CodeValidityTooLong = "cert.validity_too_long"
	// CodeNoRevocationPointer: the leaf has neither a CRL distribution point
	// nor an OCSP responder, and no stapled response was sent.
	CodeNoRevocationPointer = "cert.no_revocation_pointer"
	// CodeRevoked: a verified OCSP response or CRL says the leaf is revoked,
	// or a verified CRL says an intermediate CA of its chain is.
	CodeRevoked = "cert.revoked"
	// CodeRevocationUnknown: no source gave a verified answer.
	CodeRevocationUnknown = "cert.revocation_unknown"
	// CodeOVMissingOrg: an OV or EV certificate whose subject lacks O or C.
	CodeOVMissingOrg = "cert.ov_missing_org"
	// CodeCDN: the certificate looks like a CDN's, not the app's.
	CodeCDN = "cert.cdn"
	// CodeNoCertificate: the server presented no certificate.
	CodeNoCertificate = "cert.none"
)
