package tlsinspect

import (
	"context"
	"crypto/x509"
	"testing"

	"github.com/consenttrust/appverify/internal/pki"
)

func TestMozillaRoots(t *testing.T) {
	pool := mozillaRoots()
	if pool.Equal(x509.NewCertPool()) {
		t.Fatal("empty pool")
	}
	// A test root is not in it.
	w := newWorld(t)
	l := w.leaf(t, nil)
	if _, err := l.Cert.Verify(x509.VerifyOptions{Roots: pool, Intermediates: w.inter.IntermediatePool()}); err == nil {
		t.Error("a test chain verifies to Mozilla's roots")
	}
}

// TestDefaultRoots inspects with a zero Roots: the process's default pool,
// which does not hold the test root.
func TestDefaultRoots(t *testing.T) {
	w := newWorld(t)
	l := w.leaf(t, func(o *pki.LeafOptions) { o.KeyType = pki.KeyEd25519 })
	srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
	in := &Inspector{Dialer: &connectTo{addr: srv.Addr()}}
	r, err := in.Inspect(context.Background(), testHost, 443)
	if err != nil {
		t.Fatal(err)
	}
	if r.Trusted || r.TrustError == "" || r.Revocation != RevocationUnknown {
		t.Errorf("Trusted %v %q, revocation %v", r.Trusted, r.TrustError, r.Revocation)
	}
	if r.Chain[0].KeyType != "Ed25519" || r.Chain[0].KeyBits != 256 {
		t.Errorf("chain[0] %+v", r.Chain[0])
	}
	if n := w.rev.OCSPRequests() + w.rev.CRLRequests(); n != 0 {
		t.Errorf("%d fetches for an untrusted chain", n)
	}
}
