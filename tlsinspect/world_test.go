package tlsinspect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consenttrust/appverify/internal/pki"
)

// The inspection tests run real crypto/tls servers on loopback with
// certificates minted by internal/pki, and a real OCSP and CRL server.

const testHost = "app.example.com"

var ovSubject = pkix.Name{
	Organization: []string{"Example Health, Inc."}, Country: []string{"US"},
	Province: []string{"MO"}, Locality: []string{"Kansas City"},
}

// clock is a settable time shared by the inspector and the revocation server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// world is a root, an intermediate and a revocation server.
type world struct {
	root, inter *pki.CA
	rev         *pki.RevocationServer
	clock       *clock
}

func newWorld(t testing.TB, opts ...pki.RevocationOptions) *world {
	t.Helper()
	w := &world{clock: &clock{t: time.Now()}}
	var err error
	if w.root, err = pki.NewRoot("tlsinspect Test Root"); err != nil {
		t.Fatal(err)
	}
	if w.inter, err = w.root.NewIntermediate("tlsinspect Test CA"); err != nil {
		t.Fatal(err)
	}
	ro := pki.RevocationOptions{}
	if len(opts) > 0 {
		ro = opts[0]
	}
	if ro.Now == nil {
		ro.Now = w.clock.Now
	}
	if w.rev, err = pki.NewRevocationServer(ro); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.rev.Close)
	return w
}

// leaf issues an OV leaf for testHost from the intermediate, after applying
// edit to the options; OCSP and CRL URLs point at the world's server.
func (w *world) leaf(t testing.TB, edit func(*pki.LeafOptions)) *pki.Leaf {
	t.Helper()
	o := pki.LeafOptions{
		DNSNames:              []string{testHost},
		Subject:               ovSubject,
		Policies:              []x509.OID{pki.OIDOV},
		OCSPServer:            []string{w.rev.OCSPURL(w.inter)},
		CRLDistributionPoints: []string{w.rev.CRLURL(w.inter, 0)},
	}
	if edit != nil {
		edit(&o)
	}
	l, err := w.inter.Issue(o)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (w *world) staple(t testing.TB, l *pki.Leaf, status int) []byte {
	t.Helper()
	now := w.clock.Now()
	b, err := w.inter.OCSPResponse(l.Cert, status, now.Add(-time.Hour), now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func serve(t testing.TB, cert tls.Certificate, opts pki.TLSOptions) *pki.TLSServer {
	t.Helper()
	s, err := pki.StartTLS(cert, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// connectTo dials addr whatever address it is asked for, as curl's
// --connect-to, and counts its dials.
type connectTo struct {
	addr  string
	dials atomic.Int32
	d     net.Dialer
}

func (c *connectTo) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	c.dials.Add(1)
	return c.d.DialContext(ctx, network, c.addr)
}

// countingDialer counts the connections it makes.
type countingDialer struct {
	dials atomic.Int32
	d     net.Dialer
}

func (c *countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c.dials.Add(1)
	return c.d.DialContext(ctx, network, addr)
}

// inspector returns an Inspector that reaches addr for any host, trusts the
// world's root, reads the world's clock and has short timeouts.
func (w *world) inspector(addr string) *Inspector {
	return &Inspector{
		Dialer:       &connectTo{addr: addr},
		FetchDialer:  &countingDialer{},
		Roots:        w.root.Pool(),
		Now:          w.clock.Now,
		Timeout:      5 * time.Second,
		FetchTimeout: 3 * time.Second,
		CRLCache:     &CRLCache{},
	}
}

// inspect serves cert and inspects it, failing the test on an error.
func (w *world) inspect(t testing.TB, cert tls.Certificate, opts pki.TLSOptions, edit func(*Inspector)) *Report {
	t.Helper()
	srv := serve(t, cert, opts)
	in := w.inspector(srv.Addr())
	if edit != nil {
		edit(in)
	}
	rep, err := in.Inspect(context.Background(), testHost, 443)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	return rep
}

func codes(r *Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}

func wantFindings(t *testing.T, r *Report, want ...string) {
	t.Helper()
	got := map[string]bool{}
	for _, c := range codes(r) {
		got[c] = true
	}
	for _, c := range want {
		if !got[c] {
			t.Errorf("finding %s missing; have %v", c, r.Findings)
		}
		delete(got, c)
	}
	for c := range got {
		t.Errorf("unexpected finding %s; have %v", c, r.Findings)
	}
}
