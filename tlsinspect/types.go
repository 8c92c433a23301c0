package tlsinspect

import (
	"context"
	"net"
)

// CertType is the kind of validation a certificate's issuer performed, read
// from its CA/Browser Forum policy OID.
type CertType int

const (
	Unknown CertType = iota
	DV
	IV
	OV
	EV
)

// Dialer makes the network connections of an Inspector: the TLS handshake with
// the redirect host and every OCSP and CRL fetch. *net.Dialer satisfies it.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Revocation is the revocation status of a certificate: good, revoked or unknown.
type Revocation int

const (
	RevocationUnknown Revocation = iota
	RevocationGood
	RevocationRevoked
)

// Location is where the certificate's subject organization is, from its
// subject C, ST and L attributes, sanitized for display.
type Location struct {
	Country  string `json:"country"`
	State    string `json:"state"`
	Locality string `json:"locality"`
}

// Finding is one observation about the TLS endpoint or its certificate, with
// a stable code (such as "tls.version_legacy") and a message for developers.
// How much it matters is decided by package label, not here.
type Finding struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
