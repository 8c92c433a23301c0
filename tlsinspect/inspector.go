package tlsinspect

import (
	"context"
	"crypto/x509"
	"errors"
	"time"
)

// Inspector connects to TLS endpoints and judges their certificates.
// (Skeleton: to be completed.)
type Inspector struct {
	// Dialer makes every connection. If nil, a *net.Dialer.
	Dialer Dialer
	// FetchDialer makes OCSP and CRL fetches. If nil, Dialer is used.
	FetchDialer Dialer
	// Roots are the trusted roots. If nil, the system pool, else Mozilla's bundle.
	Roots *x509.CertPool
	// Now returns the current time. If nil, time.Now.
	Now func() time.Time
	// Timeout bounds the handshake. If zero, 10 seconds.
	Timeout time.Duration
}

// Inspect connects to host:port and reports on its certificate. (Skeleton.)
func (in *Inspector) Inspect(ctx context.Context, host string, port int) (*Report, error) {
	return nil, errors.New("tlsinspect: not implemented")
}
