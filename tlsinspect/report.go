package tlsinspect

import (
	"crypto/x509"
	"fmt"
	"time"
)

// Report is what an Inspector learned about one TLS endpoint. It exists even
// when the certificate is bad: every judgement is a field, not an error.
type Report struct {
	Host string
	Port int
	// Address is the address actually connected to (ip:port).
	Address string

	// Version is the negotiated TLS version (tls.VersionTLS13, ...); see
	// tls.VersionName for its name.
	Version uint16
	// CipherSuite is the negotiated suite's name.
	CipherSuite string

	// Chain is the chain the server presented, leaf first.
	Chain []CertInfo
	// Leaf is the parsed leaf certificate (nil if none was presented).
	Leaf *x509.Certificate `json:"-"`

	Type         CertType
	Organization string
	Location     Location

	// Trusted reports that the chain verifies to the configured roots at Now
	// (ignoring the hostname); TrustError says why not.
	Trusted    bool
	TrustError string
	// TrustedWithinValidity reports that the chain verifies to the
	// configured roots at a moment within the leaf's validity period (Now,
	// or, for a leaf that is expired or not yet valid, the moment of its
	// validity nearest to Now, which every other certificate of the chain
	// must cover too), ignoring the hostname and revocation. It is true
	// whenever the chain verifies at Now, even if HardFail then clears
	// Trusted. When it is true, Trusted is false and the leaf is Expired or
	// NotYetValid, only the dates are wrong: the chain itself is sound.
	// Revocation is still not checked for such a chain.
	TrustedWithinValidity bool
	// HostnameMatch reports that the leaf is valid for Host.
	HostnameMatch bool
	SelfSigned    bool
	NotBefore     time.Time
	NotAfter      time.Time
	Expired       bool
	NotYetValid   bool

	// Revocation is the leaf's revocation status, or revoked when an
	// intermediate CA of the verified chain is revoked: RevocationReason then
	// begins "issuing CA certificate" and names it, and RevocationSource and
	// RevocationURL are those of the intermediate's CRL. An intermediate
	// whose status is unknown leaves the leaf's status as it is.
	Revocation Revocation
	// RevocationSource is where the status came from: "ocsp-stapled", "crl",
	// "ocsp", or "" when unknown. RevocationReason explains an unknown or
	// revoked status.
	RevocationSource string
	RevocationReason string
	// RevocationURL is the CRL or OCSP URL that gave the status ("" for a
	// stapled response or an unknown status).
	RevocationURL string
	// RevocationAt is when the status that decided was produced: a stapled
	// OCSP response's thisUpdate, when the OCSP responder was asked, or when
	// the CRL was fetched
	// (for a CRL served from CRLCache, when it was fetched into it). When a
	// good status also rests on intermediates' CRLs, it is the earliest of
	// those times. Zero when the status is unknown. Evidence built on the
	// report is as old as RevocationAt, not as the inspection.
	RevocationAt time.Time

	// CDN reports that the certificate looks like a CDN's rather than the
	// app's; its organization must not be shown as the app's.
	CDN       bool
	CDNReason string

	Findings []Finding
}

// CertInfo describes one certificate of a presented chain.
type CertInfo struct {
	Subject            string
	Issuer             string
	Serial             string
	DNSNames           []string
	NotBefore          time.Time
	NotAfter           time.Time
	KeyType            string // "RSA", "ECDSA", "Ed25519"
	KeyBits            int
	SignatureAlgorithm string
}

// add appends a finding, once per code.
func (r *Report) add(code, format string, args ...any) {
	if r.has(code) {
		return
	}
	r.Findings = append(r.Findings, Finding{Code: code, Message: fmt.Sprintf(format, args...)})
}

// has reports whether r has a finding with this code.
func (r *Report) has(code string) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// LegalEntity returns the organization and location the certificate
// associates with the site, and true, only when they may be shown as the
// app's: the certificate is OV or EV, trusted, valid for the host, within its
// validity period, not revoked, not a CDN's, and its subject carries O and C.
// Otherwise it returns "", a zero Location and false.
func (r *Report) LegalEntity() (string, Location, bool) {
	if r == nil || (r.Type != OV && r.Type != EV) || !r.Trusted || !r.HostnameMatch || r.Expired ||
		r.NotYetValid || r.Revocation == RevocationRevoked || r.CDN || r.Organization == "" || r.Location.Country == "" {
		return "", Location{}, false
	}
	return r.Organization, r.Location, true
}
