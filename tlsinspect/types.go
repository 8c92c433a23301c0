package tlsinspect

import (
	"context"
	"fmt"
	"net"
	"strings"
)

// CertType is the kind of validation a certificate's issuer performed, read
// from its CA/Browser Forum policy OID (see [Classify]). The zero value is
// Unknown. Its text form, used in JSON, is the String form.
type CertType int

// The certificate types, weakest first: a certificate carrying several policy
// OIDs is classified as the strongest of them.
const (
	Unknown CertType = iota // no recognised policy OID
	DV                      // domain validated, 2.23.140.1.2.1
	IV                      // individual validated, 2.23.140.1.2.3
	OV                      // organization validated, 2.23.140.1.2.2
	EV                      // extended validation, 2.23.140.1.1 or a CA's own EV OID
)

var certTypeNames = [...]string{Unknown: "unknown", DV: "DV", IV: "IV", OV: "OV", EV: "EV"}

// String returns "EV", "OV", "IV", "DV" or "unknown" (also for values out of
// range).
func (t CertType) String() string {
	if t < 0 || int(t) >= len(certTypeNames) {
		return "unknown"
	}
	return certTypeNames[t]
}

// MarshalText implements encoding.TextMarshaler. It fails for values out of
// range rather than writing something that cannot be read back.
func (t CertType) MarshalText() ([]byte, error) {
	if t < 0 || int(t) >= len(certTypeNames) {
		return nil, fmt.Errorf("tlsinspect: invalid CertType %d", int(t))
	}
	return []byte(certTypeNames[t]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It accepts the String
// forms, case-insensitively.
func (t *CertType) UnmarshalText(b []byte) error {
	for i, name := range certTypeNames {
		if strings.EqualFold(string(b), name) {
			*t = CertType(i)
			return nil
		}
	}
	return fmt.Errorf("tlsinspect: unknown certificate type %q", b)
}

// Dialer makes the network connections of an Inspector: the TLS handshake with
// the redirect host and every OCSP and CRL fetch. *net.Dialer satisfies it.
// An egress guard (refusing private addresses, say) plugs in here: the
// Inspector never opens a connection any other way.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Revocation is the revocation status of a certificate: good, revoked or
// unknown. The zero value is RevocationUnknown. Its text form is the String
// form.
type Revocation int

// The revocation statuses.
const (
	RevocationUnknown Revocation = iota // nothing answered, or nothing that verified
	RevocationGood                      // a verified, current OCSP response or CRL says good
	RevocationRevoked                   // a verified OCSP response or CRL says revoked
)

var revocationNames = [...]string{RevocationUnknown: "unknown", RevocationGood: "good", RevocationRevoked: "revoked"}

// String returns "good", "revoked" or "unknown" (also for values out of
// range).
func (r Revocation) String() string {
	if r < 0 || int(r) >= len(revocationNames) {
		return "unknown"
	}
	return revocationNames[r]
}

// MarshalText implements encoding.TextMarshaler.
func (r Revocation) MarshalText() ([]byte, error) {
	if r < 0 || int(r) >= len(revocationNames) {
		return nil, fmt.Errorf("tlsinspect: invalid Revocation %d", int(r))
	}
	return []byte(revocationNames[r]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. It accepts the String
// forms, case-insensitively.
func (r *Revocation) UnmarshalText(b []byte) error {
	for i, name := range revocationNames {
		if strings.EqualFold(string(b), name) {
			*r = Revocation(i)
			return nil
		}
	}
	return fmt.Errorf("tlsinspect: unknown revocation status %q", b)
}

// Location is where the certificate's subject organization is, from its
// subject C, ST and L attributes, sanitized for display.
type Location struct {
	Country  string `json:"country"`
	State    string `json:"state"`
	Locality string `json:"locality"`
}

// String joins the parts that are present as shown to patients:
// "US, MO, Kansas City". It is "" when all are absent.
func (l Location) String() string {
	parts := make([]string, 0, 3)
	for _, p := range []string{l.Country, l.State, l.Locality} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// IsZero reports whether no part of the location is known.
func (l Location) IsZero() bool { return l == Location{} }

// Finding is one observation about the TLS endpoint or its certificate, with
// a stable code (such as "tls.version_legacy") and a message for developers.
// How much it matters is decided by package label, not here. The codes are
// listed in the package documentation and as the Code* constants.
type Finding struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
