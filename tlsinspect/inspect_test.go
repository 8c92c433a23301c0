package tlsinspect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/internal/pki"
)

func TestInspectTypes(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name     string
		policies []x509.OID
		subject  pkix.Name
		want     CertType
		findings []string
	}{
		{"ev", []x509.OID{pki.OIDEV}, pkix.Name{Organization: []string{"Example Health, Inc."}, Country: []string{"US"},
			Province: []string{"MO"}, Locality: []string{"Kansas City"},
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: pki.OIDJurisdictionCountry, Value: "US"}}}, EV, nil},
		{"ov", []x509.OID{pki.OIDOV}, ovSubject, OV, nil},
		{"iv", []x509.OID{pki.OIDIV}, ovSubject, IV, nil},
		{"dv", []x509.OID{pki.OIDDV}, pkix.Name{}, DV, nil},
		{"none", nil, pkix.Name{}, Unknown, nil},
		{"ov without org", []x509.OID{pki.OIDOV}, pkix.Name{Organization: []string{"-"}, Country: []string{"US"}}, OV, []string{code.OVMissingOrg}},
		{"ev without country", []x509.OID{pki.OIDEV}, pkix.Name{Organization: []string{"Org"}}, EV, []string{code.OVMissingOrg}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := w.leaf(t, func(o *pki.LeafOptions) { o.Policies, o.Subject = tt.policies, tt.subject })
			r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{}, nil)
			if r.Type != tt.want {
				t.Errorf("Type = %v, want %v", r.Type, tt.want)
			}
			if !r.Trusted || !r.HostnameMatch || r.Expired || r.SelfSigned {
				t.Errorf("Trusted %v (%s), HostnameMatch %v, Expired %v, SelfSigned %v", r.Trusted, r.TrustError, r.HostnameMatch, r.Expired, r.SelfSigned)
			}
			if r.Version != tls.VersionTLS13 || r.CipherSuite == "" {
				t.Errorf("version %x, suite %q", r.Version, r.CipherSuite)
			}
			if r.Revocation != RevocationGood || r.RevocationSource != SourceStapled {
				t.Errorf("revocation %v from %q: %s", r.Revocation, r.RevocationSource, r.RevocationReason)
			}
			if len(r.Chain) != 2 || r.Leaf == nil || r.Chain[0].KeyType != "ECDSA" || r.Chain[0].KeyBits != 256 {
				t.Errorf("chain %+v", r.Chain)
			}
			if !strings.HasPrefix(r.Address, "127.0.0.1:") {
				t.Errorf("Address = %q", r.Address)
			}
			wantFindings(t, r, tt.findings...)
			org, loc, ok := r.LegalEntity()
			wantOK := (tt.want == OV || tt.want == EV) && len(tt.findings) == 0
			if ok != wantOK || (ok && (org != "Example Health, Inc." || loc.String() != "US, MO, Kansas City")) {
				t.Errorf("LegalEntity() = %q, %q, %v; want ok %v", org, loc, ok, wantOK)
			}
		})
	}
}

func TestInspectReportJSON(t *testing.T) {
	w := newWorld(t)
	l := w.leaf(t, nil)
	r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{}, nil)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"Type":"OV"`, `"Revocation":"good"`, `"Findings":[]`, `"country":"US"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
}

func TestInspectCertificateProblems(t *testing.T) {
	w := newWorld(t)
	other, err := pki.NewRoot("Unrelated Root")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("hostname mismatch", func(t *testing.T) {
		l := w.leaf(t, func(o *pki.LeafOptions) { o.DNSNames = []string{"other.example.org"} })
		r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{}, nil)
		if r.HostnameMatch || !r.Trusted {
			t.Errorf("HostnameMatch %v Trusted %v", r.HostnameMatch, r.Trusted)
		}
		wantFindings(t, r, code.HostnameMismatch)
	})
	t.Run("expired", func(t *testing.T) {
		l := w.leaf(t, nil)
		r := w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, func(in *Inspector) {
			in.Now = func() time.Time { return l.Cert.NotAfter.Add(time.Hour) }
		})
		if !r.Expired || r.NotYetValid || r.Trusted || !strings.Contains(r.TrustError, "expired") {
			t.Errorf("Expired %v NotYetValid %v Trusted %v %q", r.Expired, r.NotYetValid, r.Trusted, r.TrustError)
		}
		wantFindings(t, r, code.Expired, code.Untrusted)
	})
	t.Run("not yet valid", func(t *testing.T) {
		l := w.leaf(t, nil)
		r := w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, func(in *Inspector) {
			in.Now = func() time.Time { return l.Cert.NotBefore.Add(-time.Hour) }
		})
		if r.Expired || !r.NotYetValid || r.Trusted {
			t.Errorf("Expired %v NotYetValid %v Trusted %v", r.Expired, r.NotYetValid, r.Trusted)
		}
		wantFindings(t, r, code.NotYetValid, code.Untrusted)
	})
	t.Run("self-signed", func(t *testing.T) {
		l := w.leaf(t, func(o *pki.LeafOptions) { o.SelfSigned = true })
		r := w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, nil)
		if !r.SelfSigned || r.Trusted || r.Revocation != RevocationUnknown {
			t.Errorf("SelfSigned %v Trusted %v Revocation %v", r.SelfSigned, r.Trusted, r.Revocation)
		}
		wantFindings(t, r, code.SelfSigned, code.Untrusted)
		if n := w.rev.OCSPRequests() + w.rev.CRLRequests(); n != 0 {
			t.Errorf("%d revocation requests for an untrusted certificate", n)
		}
	})
	t.Run("other root: URLs never fetched", func(t *testing.T) {
		inter, err := other.NewIntermediate("Unrelated CA")
		if err != nil {
			t.Fatal(err)
		}
		l, err := inter.Issue(pki.LeafOptions{DNSNames: []string{testHost}, Subject: ovSubject, Policies: []x509.OID{pki.OIDEV},
			OCSPServer: []string{w.rev.OCSPURL(inter)}, CRLDistributionPoints: []string{w.rev.CRLURL(inter, 0)}})
		if err != nil {
			t.Fatal(err)
		}
		srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
		in := w.inspector(srv.Addr())
		r, err := in.Inspect(context.Background(), testHost, 443)
		if err != nil {
			t.Fatal(err)
		}
		if r.Trusted || r.TrustError == "" || r.Type != EV || r.Organization != "Example Health, Inc." {
			t.Errorf("Trusted %v %q Type %v Org %q", r.Trusted, r.TrustError, r.Type, r.Organization)
		}
		if _, _, ok := r.LegalEntity(); ok {
			t.Error("LegalEntity of an untrusted certificate")
		}
		wantFindings(t, r, code.Untrusted)
		if n := in.FetchDialer.(*countingDialer).dials.Load(); n != 0 {
			t.Errorf("fetch dialer used %d times", n)
		}
		if n := w.rev.Requests(w.rev.OCSPURL(inter)) + w.rev.Requests(w.rev.CRLURL(inter, 0)); n != 0 {
			t.Errorf("%d requests to URLs of an untrusted certificate", n)
		}
	})
	t.Run("weak key", func(t *testing.T) {
		l := w.leaf(t, func(o *pki.LeafOptions) { o.KeyType = pki.KeyRSA1024 })
		r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{}, nil)
		wantFindings(t, r, code.KeyWeak)
		if r.Chain[0].KeyType != "RSA" || r.Chain[0].KeyBits != 1024 {
			t.Errorf("chain[0] %+v", r.Chain[0])
		}
	})
	t.Run("weak curve in chain", func(t *testing.T) {
		inter, err := w.root.NewIntermediate("P-224 CA", pki.CAOptions{KeyType: pki.KeyECDSAP224})
		if err != nil {
			t.Fatal(err)
		}
		l, err := inter.Issue(pki.LeafOptions{DNSNames: []string{testHost}})
		if err != nil {
			t.Fatal(err)
		}
		r := w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, nil)
		if !r.has(code.KeyWeak) || r.Chain[1].KeyBits != 224 {
			t.Errorf("findings %v, chain %+v", r.Findings, r.Chain)
		}
	})
	t.Run("validity too long", func(t *testing.T) {
		l := w.leaf(t, func(o *pki.LeafOptions) {
			o.NotBefore = w.clock.Now().Add(-time.Hour)
			o.NotAfter = o.NotBefore.Add(500 * 24 * time.Hour)
		})
		r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{}, nil)
		wantFindings(t, r, code.ValidityTooLong)
	})
	t.Run("no revocation pointer", func(t *testing.T) {
		l := w.leaf(t, func(o *pki.LeafOptions) { o.OCSPServer, o.CRLDistributionPoints = nil, nil })
		r := w.inspect(t, l.TLSCertificate(), pki.TLSOptions{}, nil)
		wantFindings(t, r, code.NoRevocationPointer, code.RevocationUnknown)
	})
	t.Run("cdn organization", func(t *testing.T) {
		l := w.leaf(t, func(o *pki.LeafOptions) {
			o.Subject = pkix.Name{Organization: []string{"Cloudflare, Inc."}, Country: []string{"US"}, Locality: []string{"San Francisco"}}
		})
		r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{}, nil)
		if !r.CDN || r.CDNReason == "" || r.Organization != "" || !r.Location.IsZero() {
			t.Errorf("CDN %v %q Organization %q Location %+v", r.CDN, r.CDNReason, r.Organization, r.Location)
		}
		if _, _, ok := r.LegalEntity(); ok {
			t.Error("LegalEntity of a CDN certificate")
		}
		wantFindings(t, r, code.CDN)
	})
	t.Run("cdn many sites", func(t *testing.T) {
		l := w.leaf(t, func(o *pki.LeafOptions) {
			o.DNSNames = []string{testHost}
			for _, d := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"} {
				o.DNSNames = append(o.DNSNames, d+"-site.com")
			}
		})
		r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{}, nil)
		if !r.CDN || r.Organization != "" {
			t.Errorf("CDN %v Organization %q", r.CDN, r.Organization)
		}
	})
}

func TestInspectSHA1Signature(t *testing.T) {
	root, err := pki.NewRoot("RSA Root", pki.CAOptions{KeyType: pki.KeyRSA2048})
	if err != nil {
		t.Fatal(err)
	}
	inter, err := root.NewIntermediate("RSA CA", pki.CAOptions{KeyType: pki.KeyRSA2048})
	if err != nil {
		t.Fatal(err)
	}
	l, err := inter.Issue(pki.LeafOptions{DNSNames: []string{testHost}, SignatureAlgorithm: x509.SHA1WithRSA})
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
	in := &Inspector{Dialer: &connectTo{addr: srv.Addr()}, Roots: root.Pool(), Timeout: 2 * time.Second}
	r, err := in.Inspect(context.Background(), testHost, 443)
	if err != nil {
		t.Fatal(err)
	}
	if r.Trusted {
		t.Error("a SHA-1 signed chain is trusted")
	}
	wantFindings(t, r, code.SHA1Signature, code.Untrusted, code.NoRevocationPointer)
}

func TestInspectLegacyTLS(t *testing.T) {
	w := newWorld(t)
	l := w.leaf(t, nil)
	for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
		r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{MinVersion: v, MaxVersion: v}, nil)
		if r.Version != v || !r.Trusted {
			t.Errorf("Version %x Trusted %v", r.Version, r.Trusted)
		}
		// TLS 1.0/1.1 suites are all CBC: weak too.
		wantFindings(t, r, code.VersionLegacy, code.LegacyOnly, code.CipherWeak)
	}
	// A server that offers 1.0 to 1.3 negotiates 1.3: no finding.
	r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{MinVersion: tls.VersionTLS10}, nil)
	if r.Version != tls.VersionTLS13 {
		t.Errorf("Version %x", r.Version)
	}
	wantFindings(t, r)
}

func TestInspectCipherSuites(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name  string
		key   pki.KeyType
		suite uint16
		weak  bool
	}{
		{"rsa key exchange", pki.KeyRSA2048, tls.TLS_RSA_WITH_AES_128_GCM_SHA256, true},
		{"cbc", pki.KeyECDSAP256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, true},
		{"3des", pki.KeyRSA2048, tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA, true},
		{"ecdhe gcm", pki.KeyECDSAP256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, false},
		{"ecdhe chacha", pki.KeyRSA2048, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := w.leaf(t, func(o *pki.LeafOptions) { o.KeyType = tt.key })
			r := w.inspect(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)),
				pki.TLSOptions{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tt.suite}}, nil)
			if r.CipherSuite != tls.CipherSuiteName(tt.suite) || r.Version != tls.VersionTLS12 {
				t.Errorf("negotiated %x %s", r.Version, r.CipherSuite)
			}
			if r.has(code.CipherWeak) != tt.weak {
				t.Errorf("cipher_weak = %v, want %v", !tt.weak, tt.weak)
			}
		})
	}
}

func TestInspectHostile(t *testing.T) {
	// The silent server must hit the 300 ms deadline; the others end on
	// their own before theirs. The huge-chain server spends seconds
	// building its 4 MiB flight under -race on a loaded machine: it gets 20 s,
	// and the client must still fail with ErrTooLarge as soon as the
	// Certificate message header arrives.
	tests := []struct {
		kind    pki.HostileKind
		reason  failReason
		is      error
		timeout time.Duration
	}{
		{pki.HostileSilent, reasonTimeout, ErrTimeout, 300 * time.Millisecond},
		{pki.HostileCloseAfterHello, reasonClosed, ErrClosed, 3 * time.Second},
		{pki.HostileGarbage, reasonNotTLS, ErrNotTLS, 3 * time.Second},
		{pki.HostileHugeChain, reasonTooLarge, ErrTooLarge, 20 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			t.Parallel()
			h, err := pki.StartHostile(tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(h.Close)
			in := &Inspector{Dialer: &connectTo{addr: h.Addr()}, Timeout: tt.timeout}
			start := time.Now()
			r, err := in.Inspect(context.Background(), testHost, 443)
			if el := time.Since(start); el > tt.timeout+time.Second {
				t.Errorf("took %v", el)
			}
			var he *HandshakeError
			if !errors.As(err, &he) || he.reason != tt.reason || !errors.Is(err, tt.is) {
				t.Fatalf("err = %v (%T), want reason %v", err, err, tt.reason)
			}
			if he.Host != testHost || he.Port != 443 || !strings.HasPrefix(err.Error(), "tlsinspect: ") {
				t.Errorf("HandshakeError %+v: %v", he, err)
			}
			if r == nil || r.Host != testHost || !r.has(code.HandshakeFailed) || r.Leaf != nil {
				t.Errorf("partial report %+v", r)
			}
		})
	}
}

func TestInspectHandshakeLimit(t *testing.T) {
	w := newWorld(t)
	l := w.leaf(t, nil)
	srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
	in := w.inspector(srv.Addr())
	in.MaxHandshakeBytes = 200 // smaller than any certificate message
	_, err := in.Inspect(context.Background(), testHost, 443)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestInspectDialErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	in := &Inspector{Dialer: &connectTo{addr: addr}, Timeout: 300 * time.Millisecond}
	_, err = in.Inspect(context.Background(), testHost, 443)
	if !errors.Is(err, ErrRefused) {
		t.Errorf("closed port: err = %v, want ErrRefused", err)
	}

	guard := errors.New("egress: private address")
	in.Dialer = dialFunc(func(context.Context, string, string) (net.Conn, error) { return nil, guard })
	r, err := in.Inspect(context.Background(), testHost, 443)
	var he *HandshakeError
	if !errors.As(err, &he) || he.reason != reasonDial || !errors.Is(err, guard) || r == nil || r.Address != "" {
		t.Errorf("guarded: err = %v, report %+v", err, r)
	}

	for _, tt := range []struct {
		host string
		port int
	}{{"", 443}, {testHost, 0}, {testHost, 70000}, {"a b", 443}} {
		r, err := in.Inspect(context.Background(), tt.host, tt.port)
		if r != nil || !errors.Is(err, ErrInvalidTarget) {
			t.Errorf("Inspect(%q, %d) = %v, %v", tt.host, tt.port, r, err)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h, err := pki.StartHostile(pki.HostileSilent)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	in = &Inspector{Dialer: &connectTo{addr: h.Addr()}}
	if _, err := in.Inspect(ctx, testHost, 443); err == nil {
		t.Error("Inspect with a canceled context succeeded")
	}
}

type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

func (f dialFunc) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return f(ctx, network, addr)
}

func TestInspectSNIAndDialAddress(t *testing.T) {
	w := newWorld(t)
	l := w.leaf(t, nil)
	srv := serve(t, l.StapledTLSCertificate(w.staple(t, l, pki.OCSPGood)), pki.TLSOptions{})
	var asked string
	in := w.inspector(srv.Addr())
	in.Dialer = dialFunc(func(ctx context.Context, network, addr string) (net.Conn, error) {
		asked = addr
		return (&net.Dialer{}).DialContext(ctx, network, srv.Addr())
	})
	if _, err := in.Inspect(context.Background(), testHost+".", 8443); err != nil {
		t.Fatal(err)
	}
	if asked != testHost+":8443" {
		t.Errorf("dialled %q", asked)
	}
	// The server records the name when its side of the handshake ends.
	for i := 0; i < 100 && len(srv.ServerNames()) == 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if names := srv.ServerNames(); len(names) != 1 || names[0] != testHost {
		t.Errorf("SNI %q", names)
	}
}

// alertServer answers every ClientHello with one fatal TLS alert, as a
// server that speaks only SSL 3.0 (protocol_version, 70) or that shares no
// suite with the client (handshake_failure, 40) does.
func alertServer(t *testing.T, alert byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			buf := make([]byte, 1024)
			_, _ = c.Read(buf)
			_, _ = c.Write([]byte{0x15, 0x03, 0x01, 0x00, 0x02, 0x02, alert})
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

func TestInspectAlerts(t *testing.T) {
	for _, tt := range []struct {
		alert  byte
		reason failReason
		code   string
	}{
		{70, reasonLegacyOnly, code.LegacyOnly},
		{40, reasonOther, code.HandshakeFailed},
	} {
		in := &Inspector{Dialer: &connectTo{addr: alertServer(t, tt.alert)}, Timeout: 5 * time.Second}
		r, err := in.Inspect(context.Background(), testHost, 443)
		var he *HandshakeError
		if !errors.As(err, &he) || he.reason != tt.reason {
			t.Errorf("alert %d: err = %v, want reason %v", tt.alert, err, tt.reason)
			continue
		}
		if tt.reason == reasonLegacyOnly && !errors.Is(err, ErrLegacyTLSOnly) {
			t.Errorf("alert %d: %v is not ErrLegacyTLSOnly", tt.alert, err)
		}
		if !r.has(tt.code) || !r.has(code.HandshakeFailed) {
			t.Errorf("alert %d: findings %v", tt.alert, r.Findings)
		}
	}
}

func TestReasonText(t *testing.T) {
	for r := reasonOther; r <= reasonNoCertificate; r++ {
		b, err := r.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back failReason
		if err := back.UnmarshalText(b); err != nil || back != r || r.String() != string(b) {
			t.Errorf("round trip of %d via %q: %v, %v", int(r), b, back, err)
		}
	}
	if _, err := failReason(99).MarshalText(); err == nil {
		t.Error("MarshalText(99) succeeded")
	}
	var r failReason
	if err := r.UnmarshalText([]byte("nope")); err == nil {
		t.Error("UnmarshalText(nope) succeeded")
	}
	e := &HandshakeError{Host: "h", Port: 1, reason: 99}
	if errors.Is(e, ErrTimeout) || e.Error() != "tlsinspect: h:1: handshake failed" {
		t.Errorf("out-of-range reason: %v", e)
	}
}

// A chain that fails to verify at Now only because of the leaf's dates is
// TrustedWithinValidity, yet not Trusted, and its revocation is not checked;
// a chain that would not verify within the leaf's dates either is neither.
func TestInspectTrustedWithinValidity(t *testing.T) {
	w := newWorld(t)
	other, err := pki.NewRoot("Unrelated Root")
	if err != nil {
		t.Fatal(err)
	}
	otherCA, err := other.NewIntermediate("Unrelated CA")
	if err != nil {
		t.Fatal(err)
	}
	now := w.clock.Now()
	// shortCA's certificate ends 30 days from now, before its leaves do.
	shortCA, err := w.root.NewIntermediate("Short-lived CA", pki.CAOptions{NotAfter: now.AddDate(0, 0, 30)})
	if err != nil {
		t.Fatal(err)
	}
	// expiredCA's certificate ended yesterday, though its leaf is still valid.
	expiredCA, err := w.root.NewIntermediate("Expired CA", pki.CAOptions{NotBefore: now.AddDate(0, 0, -60), NotAfter: now.AddDate(0, 0, -1)})
	if err != nil {
		t.Fatal(err)
	}
	issue := func(t *testing.T, ca *pki.CA, edit func(*pki.LeafOptions)) *pki.Leaf {
		t.Helper()
		o := pki.LeafOptions{DNSNames: []string{testHost}, Subject: ovSubject, Policies: []x509.OID{pki.OIDOV},
			OCSPServer: []string{w.rev.OCSPURL(ca)}, CRLDistributionPoints: []string{w.rev.CRLURL(ca, 0)}}
		if edit != nil {
			edit(&o)
		}
		l, err := ca.Issue(o)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	afterExpiry := func(l *pki.Leaf) time.Time { return l.Cert.NotAfter.Add(time.Hour) }
	beforeStart := func(l *pki.Leaf) time.Time { return l.Cert.NotBefore.Add(-time.Hour) }
	tests := []struct {
		name                 string
		ca                   *pki.CA
		edit                 func(*pki.LeafOptions)
		at                   func(*pki.Leaf) time.Time // nil: now
		trusted, withinDates bool
		findings             []string
	}{
		{"valid leaf, trusted CA", w.inter, nil, nil, true, true, nil},
		{"expired leaf, trusted CA", w.inter, nil, afterExpiry, false, true, []string{code.Expired, code.Untrusted}},
		{"not yet valid leaf, trusted CA", w.inter, nil, beforeStart, false, true, []string{code.NotYetValid, code.Untrusted}},
		{"expired leaf, untrusted CA", otherCA, nil, afterExpiry, false, false, []string{code.Expired, code.Untrusted}},
		{"not yet valid leaf, untrusted CA", otherCA, nil, beforeStart, false, false, []string{code.NotYetValid, code.Untrusted}},
		{"expired leaf outliving its expired CA", shortCA, nil, afterExpiry, false, false, []string{code.Expired, code.Untrusted}},
		{"valid leaf, expired CA", expiredCA, nil, nil, false, false, []string{code.Untrusted}},
		{"expired self-signed leaf", w.inter, func(o *pki.LeafOptions) { o.SelfSigned = true }, afterExpiry, false, false,
			[]string{code.SelfSigned, code.Expired, code.Untrusted}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := issue(t, tt.ca, tt.edit)
			srv := serve(t, l.TLSCertificate(), pki.TLSOptions{})
			in := w.inspector(srv.Addr())
			if tt.at != nil {
				at := tt.at(l)
				in.Now = func() time.Time { return at }
			}
			r, err := in.Inspect(context.Background(), testHost, 443)
			if err != nil {
				t.Fatal(err)
			}
			if r.Trusted != tt.trusted || r.TrustedWithinValidity != tt.withinDates {
				t.Errorf("Trusted %v, TrustedWithinValidity %v (%q); want %v, %v", r.Trusted, r.TrustedWithinValidity, r.TrustError, tt.trusted, tt.withinDates)
			}
			if !tt.trusted && r.TrustError == "" {
				t.Error("TrustError empty")
			}
			wantFindings(t, r, tt.findings...)
			if !tt.trusted {
				if n := in.FetchDialer.(*countingDialer).dials.Load(); n != 0 {
					t.Errorf("fetch dialer used %d times for a chain not trusted now", n)
				}
				if r.Revocation != RevocationUnknown || !strings.Contains(r.RevocationReason, "not trusted") {
					t.Errorf("Revocation %v %q", r.Revocation, r.RevocationReason)
				}
				if _, _, ok := r.LegalEntity(); ok {
					t.Error("LegalEntity of a certificate not trusted now")
				}
			}
		})
	}
}
