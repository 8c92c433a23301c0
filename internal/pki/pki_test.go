package pki

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ocsp"
)

type world struct {
	root, inter *CA
}

func newWorld(t *testing.T) world {
	t.Helper()
	root, err := NewRoot("Test Root")
	require.NoError(t, err)
	inter, err := root.NewIntermediate("Test Issuing CA")
	require.NoError(t, err)
	return world{root: root, inter: inter}
}

func TestPolicyOIDsRoundTrip(t *testing.T) {
	w := newWorld(t)
	for name, p := range map[string]x509.OID{"EV": OIDEV, "OV": OIDOV, "IV": OIDIV, "DV": OIDDV} {
		leaf, err := w.inter.Issue(LeafOptions{DNSNames: []string{"app.example.com"}, Policies: []x509.OID{p}})
		require.NoError(t, err, name)
		back, err := x509.ParseCertificate(leaf.Cert.Raw)
		require.NoError(t, err)
		require.Len(t, back.Policies, 1, name)
		assert.True(t, back.Policies[0].Equal(p), name)
	}
	assert.True(t, OIDEV.EqualASN1OID(ASN1EV))
	assert.True(t, OIDOV.EqualASN1OID(ASN1OV))
	assert.True(t, OIDIV.EqualASN1OID(ASN1IV))
	assert.True(t, OIDDV.EqualASN1OID(ASN1DV))
}

func TestSubjectAndEVAttributes(t *testing.T) {
	w := newWorld(t)
	leaf, err := w.inter.Issue(LeafOptions{
		DNSNames: []string{"app.example.com"},
		Policies: []x509.OID{OIDEV},
		Subject: pkix.Name{
			Organization: []string{"Example Health, Inc."}, Country: []string{"US"},
			Province: []string{"MO"}, Locality: []string{"Kansas City"}, SerialNumber: "12345",
			ExtraNames: []pkix.AttributeTypeAndValue{
				{Type: OIDJurisdictionCountry, Value: "US"},
				{Type: OIDJurisdictionState, Value: "Delaware"},
				{Type: OIDBusinessCategory, Value: "Private Organization"},
			},
		},
	})
	require.NoError(t, err)
	s := leaf.Cert.Subject
	assert.Equal(t, "app.example.com", s.CommonName)
	assert.Equal(t, []string{"Example Health, Inc."}, s.Organization)
	assert.Equal(t, []string{"Kansas City"}, s.Locality)
	assert.Equal(t, "12345", s.SerialNumber)
	found := map[string]string{}
	for _, n := range s.Names {
		if v, ok := n.Value.(string); ok {
			found[n.Type.String()] = v
		}
	}
	assert.Equal(t, "US", found[OIDJurisdictionCountry.String()])
	assert.Equal(t, "Delaware", found[OIDJurisdictionState.String()])
	assert.Equal(t, "Private Organization", found[OIDBusinessCategory.String()])
}

func TestChainVerifies(t *testing.T) {
	w := newWorld(t)
	leaf, err := w.inter.Issue(LeafOptions{DNSNames: []string{"app.example.com"}, KeyType: KeyRSA2048, MustStaple: true})
	require.NoError(t, err)
	require.Len(t, leaf.Chain, 2)
	assert.Equal(t, w.inter.Cert, leaf.Chain[1])
	chains, err := leaf.Cert.Verify(x509.VerifyOptions{
		DNSName: "app.example.com", Roots: w.root.Pool(), Intermediates: w.inter.IntermediatePool(),
	})
	require.NoError(t, err)
	require.Len(t, chains[0], 3)
	assert.True(t, w.inter.Issued(leaf.Cert.SerialNumber))
	assert.True(t, w.root.Issued(w.inter.Cert.SerialNumber))
	assert.Equal(t, w.root, w.inter.Root())

	// Wrong root, self-signed and expired leaves fail.
	other, err := NewRoot("Other Root")
	require.NoError(t, err)
	_, err = leaf.Cert.Verify(x509.VerifyOptions{Roots: other.Pool(), Intermediates: w.inter.IntermediatePool()})
	assert.Error(t, err)
	self, err := (*CA)(nil).Issue(LeafOptions{DNSNames: []string{"app.example.com"}, SelfSigned: true})
	require.NoError(t, err)
	assert.NoError(t, self.Cert.CheckSignature(self.Cert.SignatureAlgorithm, self.Cert.RawTBSCertificate, self.Cert.Signature))
	_, err = self.Cert.Verify(x509.VerifyOptions{Roots: w.root.Pool()})
	assert.Error(t, err)
	expired, err := w.inter.Issue(LeafOptions{DNSNames: []string{"a.test"},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})
	require.NoError(t, err)
	_, err = expired.Cert.Verify(x509.VerifyOptions{Roots: w.root.Pool(), Intermediates: w.inter.IntermediatePool()})
	var inv x509.CertificateInvalidError
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, x509.Expired, inv.Reason)
}

func TestKeyTypesAndSignatureAlgorithms(t *testing.T) {
	root, err := NewRoot("RSA Root", CAOptions{KeyType: KeyRSA2048})
	require.NoError(t, err)
	for _, kt := range []KeyType{KeyECDSAP256, KeyECDSAP384, KeyECDSAP224, KeyRSA2048, KeyRSA1024, KeyEd25519} {
		leaf, err := root.Issue(LeafOptions{DNSNames: []string{"k.test"}, KeyType: kt})
		require.NoError(t, err, kt.String())
		assert.NoError(t, leaf.Cert.CheckSignatureFrom(root.Cert), kt.String())
		_, err = KeyPEM(leaf.Key)
		assert.NoError(t, err)
	}
	// SHA-1 can still be minted; Go refuses to verify it.
	sha1Leaf, err := root.Issue(LeafOptions{DNSNames: []string{"k.test"}, SignatureAlgorithm: x509.SHA1WithRSA})
	require.NoError(t, err)
	assert.Equal(t, x509.SHA1WithRSA, sha1Leaf.Cert.SignatureAlgorithm)
	var insecure x509.InsecureAlgorithmError
	assert.ErrorAs(t, sha1Leaf.Cert.CheckSignatureFrom(root.Cert), &insecure)
	// MD5 cannot.
	_, err = root.Issue(LeafOptions{DNSNames: []string{"k.test"}, SignatureAlgorithm: x509.MD5WithRSA})
	assert.ErrorContains(t, err, "pki: ")
	// Mismatched algorithm is an error, not a panic.
	_, err = root.Issue(LeafOptions{SignatureAlgorithm: x509.ECDSAWithSHA256})
	assert.Error(t, err)
}

func TestPEM(t *testing.T) {
	w := newWorld(t)
	leaf, err := w.inter.Issue(LeafOptions{DNSNames: []string{"p.test"}})
	require.NoError(t, err)
	p := leaf.ChainPEM()
	assert.Equal(t, 2, bytes.Count(p, []byte("BEGIN CERTIFICATE")))
	assert.True(t, bytes.HasPrefix(CertPEM(w.root.Cert), []byte("-----BEGIN CERTIFICATE-----")))
	k, err := KeyPEM(leaf.Key)
	require.NoError(t, err)
	_, err = tls.X509KeyPair(p, k)
	assert.NoError(t, err)
}

func TestOCSPResponderCert(t *testing.T) {
	w := newWorld(t)
	r, err := w.inter.NewOCSPResponder()
	require.NoError(t, err)
	assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}, r.Cert.ExtKeyUsage)
}

func tlsClient(t *testing.T, addr, name string, roots *x509.CertPool, cfg *tls.Config) (tls.ConnectionState, error) {
	t.Helper()
	if cfg == nil {
		cfg = &tls.Config{}
	}
	cfg.ServerName = name
	cfg.RootCAs = roots
	d := &net.Dialer{Timeout: 5 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer conn.Close()
	st := conn.ConnectionState()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	_, err = conn.Write([]byte("GET / HTTP/1.1\r\nHost: " + name + "\r\n\r\n"))
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "ok", string(body))
	return st, nil
}

func TestStartTLSWithStaple(t *testing.T) {
	w := newWorld(t)
	leaf, err := w.inter.Issue(LeafOptions{DNSNames: []string{"app.example.com"}, Policies: []x509.OID{OIDOV}})
	require.NoError(t, err)
	now := time.Now()
	staple, err := w.inter.OCSPResponse(leaf.Cert, OCSPGood, now, now.Add(time.Hour))
	require.NoError(t, err)
	srv, err := StartTLS(leaf.StapledTLSCertificate(staple), TLSOptions{})
	require.NoError(t, err)
	defer srv.Close()

	st, err := tlsClient(t, srv.Addr(), "app.example.com", w.root.Pool(), nil)
	require.NoError(t, err)
	assert.Equal(t, uint16(tls.VersionTLS13), st.Version)
	require.Len(t, st.PeerCertificates, 2)
	assert.True(t, st.PeerCertificates[0].Equal(leaf.Cert))
	require.NotEmpty(t, st.OCSPResponse)
	resp, err := ocsp.ParseResponseForCert(st.OCSPResponse, leaf.Cert, w.inter.Cert)
	require.NoError(t, err)
	assert.Equal(t, ocsp.Good, resp.Status)
	assert.Equal(t, 1, srv.Handshakes())
	assert.Equal(t, []string{"app.example.com"}, srv.ServerNames())
	assert.NotZero(t, srv.Port())
}

func TestStartTLSVersionsAndSNI(t *testing.T) {
	w := newWorld(t)
	a, err := w.inter.Issue(LeafOptions{DNSNames: []string{"a.test"}})
	require.NoError(t, err)
	b, err := w.inter.Issue(LeafOptions{DNSNames: []string{"b.test"}})
	require.NoError(t, err)
	srv, err := StartTLS(a.TLSCertificate(), TLSOptions{
		MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10,
		SNI: map[string]tls.Certificate{"B.test": b.TLSCertificate()},
	})
	require.NoError(t, err)
	defer srv.Close()

	// A default (TLS ≥1.2) client fails against a TLS 1.0-only server.
	_, err = tlsClient(t, srv.Addr(), "a.test", w.root.Pool(), nil)
	require.Error(t, err)
	st, err := tlsClient(t, srv.Addr(), "b.test", w.root.Pool(), &tls.Config{MinVersion: tls.VersionTLS10})
	require.NoError(t, err)
	assert.Equal(t, uint16(tls.VersionTLS10), st.Version)
	assert.True(t, st.PeerCertificates[0].Equal(b.Cert))
	st, err = tlsClient(t, srv.Addr(), "a.test", w.root.Pool(), &tls.Config{MinVersion: tls.VersionTLS10})
	require.NoError(t, err)
	assert.True(t, st.PeerCertificates[0].Equal(a.Cert))
	assert.Equal(t, 2, srv.Handshakes())
	assert.Equal(t, 3, srv.Accepted())

	srv12, err := StartTLS(a.TLSCertificate(), TLSOptions{MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}})
	require.NoError(t, err)
	defer srv12.Close()
	st, err = tlsClient(t, srv12.Addr(), "a.test", w.root.Pool(), nil)
	require.NoError(t, err)
	assert.Equal(t, uint16(tls.VersionTLS12), st.Version)
	assert.Equal(t, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, st.CipherSuite)
	srv12.Close()
	srv12.Close() // idempotent
}

func TestStartTLSErrors(t *testing.T) {
	_, err := StartTLS(tls.Certificate{}, TLSOptions{})
	assert.ErrorContains(t, err, "pki: ")
	_, err = StartHostile(HostileKind(99))
	assert.ErrorContains(t, err, "pki: ")
}

func TestHostileServers(t *testing.T) {
	root, err := NewRoot("Hostile Root")
	require.NoError(t, err)
	for _, kind := range []HostileKind{HostileSilent, HostileCloseAfterHello, HostileGarbage, HostileHugeChain} {
		t.Run(kind.String(), func(t *testing.T) {
			h, err := StartHostile(kind)
			require.NoError(t, err)
			defer h.Close()
			start := time.Now()
			d := &net.Dialer{Timeout: 2 * time.Second, Deadline: time.Now().Add(2 * time.Second)}
			conn, err := tls.DialWithDialer(d, "tcp", h.Addr(), &tls.Config{ServerName: "localhost", RootCAs: root.Pool()})
			if err == nil {
				conn.Close()
			}
			require.Error(t, err)
			assert.Less(t, time.Since(start), 5*time.Second)
			assert.Equal(t, 1, h.Accepted())
		})
	}
}

func TestHostileCloseWithOpenConns(t *testing.T) {
	h, err := StartHostile(HostileSilent)
	require.NoError(t, err)
	c, err := net.Dial("tcp", h.Addr())
	require.NoError(t, err)
	defer c.Close()
	done := make(chan struct{})
	go func() { h.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return with an open connection")
	}
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err = c.Read(make([]byte, 1))
	assert.Error(t, err)
}

// --- revocation server ---

func fetch(t *testing.T, method, u string, body []byte) (int, []byte) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/ocsp-request")
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

func ocspPost(t *testing.T, rev *RevocationServer, ca *CA, cert *x509.Certificate) []byte {
	t.Helper()
	req, err := ocsp.CreateRequest(cert, ca.Cert, nil)
	require.NoError(t, err)
	code, b := fetch(t, http.MethodPost, rev.OCSPURL(ca), req)
	require.Equal(t, http.StatusOK, code)
	return b
}

func ocspGet(t *testing.T, rev *RevocationServer, ca *CA, cert *x509.Certificate) []byte {
	t.Helper()
	req, err := ocsp.CreateRequest(cert, ca.Cert, nil)
	require.NoError(t, err)
	code, b := fetch(t, http.MethodGet, rev.OCSPURL(ca)+"/"+url.PathEscape(base64.StdEncoding.EncodeToString(req)), nil)
	require.Equal(t, http.StatusOK, code)
	return b
}

func TestOCSPServer(t *testing.T) {
	w := newWorld(t)
	rev, err := NewRevocationServer(RevocationOptions{})
	require.NoError(t, err)
	defer rev.Close()
	leaf, err := w.inter.Issue(LeafOptions{DNSNames: []string{"a.test"}, OCSPServer: []string{rev.OCSPURL(w.inter)}})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(leaf.Cert.OCSPServer[0], rev.URL()+"/ocsp/"))

	for _, get := range []bool{false, true} {
		raw := ocspPost(t, rev, w.inter, leaf.Cert)
		if get {
			raw = ocspGet(t, rev, w.inter, leaf.Cert)
		}
		resp, err := ocsp.ParseResponseForCert(raw, leaf.Cert, w.inter.Cert)
		require.NoError(t, err)
		assert.Equal(t, ocsp.Good, resp.Status)
		assert.Equal(t, 0, resp.SerialNumber.Cmp(leaf.Cert.SerialNumber))
		assert.True(t, resp.NextUpdate.After(time.Now()))
	}

	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	rev.RevokeWithReason(w.inter, leaf.Cert.SerialNumber, at, ocsp.KeyCompromise)
	resp, err := ocsp.ParseResponseForCert(ocspPost(t, rev, w.inter, leaf.Cert), leaf.Cert, w.inter.Cert)
	require.NoError(t, err)
	assert.Equal(t, ocsp.Revoked, resp.Status)
	assert.True(t, resp.RevokedAt.Equal(at))
	assert.Equal(t, ocsp.KeyCompromise, resp.RevocationReason)
	rev.Unrevoke(w.inter, leaf.Cert.SerialNumber)

	// A certificate the CA never issued is unknown.
	stranger, err := (*CA)(nil).Issue(LeafOptions{SelfSigned: true})
	require.NoError(t, err)
	resp, err = ocsp.ParseResponseForCert(ocspPost(t, rev, w.inter, stranger.Cert), stranger.Cert, w.inter.Cert)
	require.NoError(t, err)
	assert.Equal(t, ocsp.Unknown, resp.Status)

	// Asking the wrong CA's URL gets "unauthorized".
	interReq, err := ocsp.CreateRequest(leaf.Cert, w.inter.Cert, nil)
	require.NoError(t, err)
	_, b := fetch(t, http.MethodPost, rev.OCSPURL(w.root), interReq)
	_, err = ocsp.ParseResponse(b, nil)
	var re ocsp.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, ocsp.Unauthorized, re.Status)

	// Garbage request.
	code, b := fetch(t, http.MethodPost, rev.OCSPURL(w.inter), []byte("junk"))
	assert.Equal(t, http.StatusOK, code)
	_, err = ocsp.ParseResponse(b, nil)
	require.ErrorAs(t, err, &re)
	assert.Equal(t, ocsp.Malformed, re.Status)
	code, _ = fetch(t, http.MethodGet, rev.URL()+"/nothing", nil)
	assert.Equal(t, http.StatusNotFound, code)

	assert.Equal(t, 7, rev.OCSPRequests())
	assert.Equal(t, 6, rev.Requests(rev.OCSPURL(w.inter)))

	// AIA caIssuers.
	code, b = fetch(t, http.MethodGet, rev.CAIssuersURL(w.inter), nil)
	assert.Equal(t, http.StatusOK, code)
	assert.True(t, bytes.Equal(b, w.inter.Cert.Raw))
	assert.Equal(t, 1, rev.CertRequests())

	// Nil guards.
	assert.Equal(t, "", rev.OCSPURL(nil))
	assert.Equal(t, "", rev.CRLURL(nil, 0))
	var nilSrv *RevocationServer
	nilSrv.Close()
	var nilTLS *TLSServer
	nilTLS.Close()
	var nilHostile *HostileServer
	nilHostile.Close()
}

func TestOCSPDelegatedResponderAndInjectedClock(t *testing.T) {
	w := newWorld(t)
	fixed := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	rev, err := NewRevocationServer(RevocationOptions{Now: func() time.Time { return fixed }, Validity: 4 * time.Hour})
	require.NoError(t, err)
	defer rev.Close()
	responder, err := w.inter.NewOCSPResponder()
	require.NoError(t, err)
	require.NoError(t, rev.AddCA(w.inter, CAConfig{Responder: responder}))
	leaf, err := w.inter.Issue(LeafOptions{DNSNames: []string{"a.test"}})
	require.NoError(t, err)
	resp, err := ocsp.ParseResponseForCert(ocspPost(t, rev, w.inter, leaf.Cert), leaf.Cert, w.inter.Cert)
	require.NoError(t, err)
	assert.Equal(t, ocsp.Good, resp.Status)
	require.NotNil(t, resp.Certificate)
	assert.True(t, resp.Certificate.Equal(responder.Cert))
	assert.True(t, resp.ThisUpdate.Equal(fixed.Add(-time.Minute)))
	assert.True(t, resp.NextUpdate.Equal(fixed.Add(-time.Minute+4*time.Hour)))
}

func TestOCSPFaults(t *testing.T) {
	w := newWorld(t)
	rev, err := NewRevocationServer(RevocationOptions{HugeBytes: 3 << 20, SlowDelay: 300 * time.Millisecond})
	require.NoError(t, err)
	defer rev.Close()
	leaf, err := w.inter.Issue(LeafOptions{DNSNames: []string{"a.test"}})
	require.NoError(t, err)
	parse := func() (*ocsp.Response, error) {
		return ocsp.ParseResponseForCert(ocspPost(t, rev, w.inter, leaf.Cert), leaf.Cert, w.inter.Cert)
	}

	rev.SetFault(w.inter, FaultWrongKey)
	_, err = parse()
	assert.ErrorContains(t, err, "signature")

	rev.SetFault(w.inter, FaultBadSignature)
	_, err = parse()
	assert.ErrorContains(t, err, "signature")

	rev.SetFault(w.inter, FaultOtherSerial)
	_, err = parse()
	assert.ErrorContains(t, err, "no response matching")
	resp, err := ocsp.ParseResponse(ocspPost(t, rev, w.inter, leaf.Cert), w.inter.Cert)
	require.NoError(t, err)
	assert.NotEqual(t, 0, resp.SerialNumber.Cmp(leaf.Cert.SerialNumber))

	rev.SetFault(w.inter, FaultStale)
	resp, err = parse()
	require.NoError(t, err)
	assert.True(t, resp.NextUpdate.Before(time.Now()))
	assert.True(t, resp.ThisUpdate.Before(resp.NextUpdate))

	rev.SetFault(w.inter, FaultMalformed)
	_, err = parse()
	assert.Error(t, err)

	rev.SetFault(w.inter, FaultTryLater)
	_, err = parse()
	var re ocsp.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, ocsp.TryLater, re.Status)

	rev.SetFault(w.inter, FaultHuge)
	raw := ocspPost(t, rev, w.inter, leaf.Cert)
	assert.Len(t, raw, 3<<20)

	rev.SetFault(w.inter, FaultSlow)
	start := time.Now()
	_, err = parse()
	assert.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)

	rev.SetFault(w.inter, FaultNone)
	require.NoError(t, rev.SetURLFault(rev.OCSPURL(w.inter), FaultHTTP500))
	req, err := ocsp.CreateRequest(leaf.Cert, w.inter.Cert, nil)
	require.NoError(t, err)
	code, _ := fetch(t, http.MethodPost, rev.OCSPURL(w.inter), req)
	assert.Equal(t, http.StatusInternalServerError, code)
	require.NoError(t, rev.SetURLFault(rev.OCSPURL(w.inter), FaultNone))
	_, err = parse()
	assert.NoError(t, err)
	assert.Error(t, rev.SetURLFault("http://example.com/ocsp/ca0", FaultSlow))
	assert.Equal(t, "wrong-key", FaultWrongKey.String())
}

func TestSlowFaultEndsOnClose(t *testing.T) {
	w := newWorld(t)
	rev, err := NewRevocationServer(RevocationOptions{SlowDelay: time.Hour})
	require.NoError(t, err)
	rev.SetFault(w.inter, FaultSlow)
	u := rev.CRLURL(w.inter, 0)
	errc := make(chan error, 1)
	go func() {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	require.Eventually(t, func() bool { return rev.CRLRequests() == 1 }, 5*time.Second, 10*time.Millisecond)
	done := make(chan struct{})
	go func() { rev.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on a slow request")
	}
	<-errc
}

func TestCRLs(t *testing.T) {
	w := newWorld(t)
	rev, err := NewRevocationServer(RevocationOptions{})
	require.NoError(t, err)
	defer rev.Close()
	require.NoError(t, rev.AddCA(w.inter, CAConfig{CRLPartitions: 3}))
	require.Len(t, rev.CRLURLs(w.inter), 3)

	var leaves []*Leaf
	for i := 0; i < 6; i++ {
		l, err := w.inter.Issue(LeafOptions{DNSNames: []string{"a.test"}})
		require.NoError(t, err)
		leaves = append(leaves, l)
		rev.Revoke(w.inter, l.Cert.SerialNumber, time.Now().Add(-time.Minute))
	}
	listed := map[string]string{}
	for p, u := range rev.CRLURLs(w.inter) {
		assert.Equal(t, u, rev.CRLURL(w.inter, p))
		code, der := fetch(t, http.MethodGet, u, nil)
		require.Equal(t, http.StatusOK, code)
		crl, err := x509.ParseRevocationList(der)
		require.NoError(t, err)
		require.NoError(t, crl.CheckSignatureFrom(w.inter.Cert))
		assert.True(t, crl.NextUpdate.After(time.Now()))
		for _, e := range crl.RevokedCertificateEntries {
			listed[e.SerialNumber.String()] = u
		}
		// The issuing distribution point names this URL.
		var idpFound bool
		for _, ext := range crl.Extensions {
			if ext.Id.Equal(OIDIssuingDistributionPoint) {
				idpFound = true
				assert.True(t, ext.Critical)
				assert.True(t, bytes.Contains(ext.Value, []byte(u)))
			}
		}
		assert.True(t, idpFound)
	}
	for _, l := range leaves {
		assert.Equal(t, rev.CRLURLForSerial(w.inter, l.Cert.SerialNumber), listed[l.Cert.SerialNumber.String()])
	}
	code, _ := fetch(t, http.MethodGet, rev.CRLURL(w.inter, 3), nil)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, 4, rev.CRLRequests())
	assert.Equal(t, 1, rev.Requests(rev.CRLURL(w.inter, 1)))

	// One-partition root CRL: empty, no IDP, CRL numbers increase.
	_, der1 := fetch(t, http.MethodGet, rev.CRLURL(w.root, 0), nil)
	_, der2 := fetch(t, http.MethodGet, rev.CRLURL(w.root, 0), nil)
	c1, err := x509.ParseRevocationList(der1)
	require.NoError(t, err)
	c2, err := x509.ParseRevocationList(der2)
	require.NoError(t, err)
	assert.NoError(t, c1.CheckSignatureFrom(w.root.Cert))
	assert.Empty(t, c1.RevokedCertificateEntries)
	assert.Equal(t, 1, c2.Number.Cmp(c1.Number))
}

func TestCRLFaults(t *testing.T) {
	w := newWorld(t)
	rev, err := NewRevocationServer(RevocationOptions{HugeBytes: 2 << 20})
	require.NoError(t, err)
	defer rev.Close()
	get := func() (int, []byte) { return fetch(t, http.MethodGet, rev.CRLURL(w.inter, 0), nil) }

	rev.SetFault(w.inter, FaultWrongKey)
	_, der := get()
	crl, err := x509.ParseRevocationList(der)
	require.NoError(t, err)
	assert.Error(t, crl.CheckSignatureFrom(w.inter.Cert))

	rev.SetFault(w.inter, FaultBadSignature)
	_, der = get()
	crl, err = x509.ParseRevocationList(der)
	require.NoError(t, err)
	assert.Error(t, crl.CheckSignatureFrom(w.inter.Cert))

	rev.SetFault(w.inter, FaultStale)
	_, der = get()
	crl, err = x509.ParseRevocationList(der)
	require.NoError(t, err)
	assert.NoError(t, crl.CheckSignatureFrom(w.inter.Cert))
	assert.True(t, crl.NextUpdate.Before(time.Now()))

	rev.SetFault(w.inter, FaultMalformed)
	_, der = get()
	_, err = x509.ParseRevocationList(der)
	assert.Error(t, err)

	rev.SetFault(w.inter, FaultHuge)
	_, der = get()
	assert.Len(t, der, 2<<20)

	rev.SetFault(w.inter, FaultNone)
	require.NoError(t, rev.SetURLFault(rev.CRLURL(w.inter, 0), FaultHTTP500))
	code, _ := get()
	assert.Equal(t, http.StatusInternalServerError, code)
}

func TestIDPEncoding(t *testing.T) {
	ext, err := issuingDistributionPoint("http://127.0.0.1:1/crl/ca0/1.crl")
	require.NoError(t, err)
	var raw asn1.RawValue
	rest, err := asn1.Unmarshal(ext.Value, &raw)
	require.NoError(t, err)
	assert.Empty(t, rest)
	assert.Equal(t, asn1.TagSequence, raw.Tag)
}

func TestP224LeafCannotBeServed(t *testing.T) {
	w := newWorld(t)
	leaf, err := w.inter.Issue(LeafOptions{DNSNames: []string{"weak.test"}, KeyType: KeyECDSAP224})
	require.NoError(t, err)
	srv, err := StartTLS(leaf.TLSCertificate(), TLSOptions{})
	require.NoError(t, err)
	defer srv.Close()
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", srv.Addr(),
		&tls.Config{ServerName: "weak.test", RootCAs: w.root.Pool()})
	if err == nil {
		conn.Close()
	}
	assert.Error(t, err)
	assert.Equal(t, 0, srv.Handshakes())
}

func TestStartTLSDrop(t *testing.T) {
	w := newWorld(t)
	leaf, err := w.inter.Issue(LeafOptions{DNSNames: []string{"a.test"}})
	require.NoError(t, err)
	srv, err := StartTLS(leaf.TLSCertificate(), TLSOptions{})
	require.NoError(t, err)
	defer srv.Close()
	var n atomic.Int64
	srv.SetDrop(func() bool { return n.Add(1)%2 == 0 })
	for i := range 4 {
		_, err := tlsClient(t, srv.Addr(), "a.test", w.root.Pool(), nil)
		if i%2 == 0 {
			assert.NoError(t, err, "connection %d", i)
		} else {
			assert.Error(t, err, "connection %d", i)
		}
	}
	assert.Equal(t, 2, srv.Dropped())
	assert.Equal(t, 2, srv.Handshakes())
	assert.Equal(t, 4, srv.Accepted())
	srv.SetDrop(nil)
	_, err = tlsClient(t, srv.Addr(), "a.test", w.root.Pool(), nil)
	assert.NoError(t, err)
	assert.Equal(t, 2, srv.Dropped())
}

func TestPerCAValidityAndAge(t *testing.T) {
	w := newWorld(t)
	fixed := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	rev, err := NewRevocationServer(RevocationOptions{Now: func() time.Time { return fixed }})
	require.NoError(t, err)
	defer rev.Close()
	require.NoError(t, rev.AddCA(w.inter, CAConfig{Validity: 7 * 24 * time.Hour, Age: 3 * 24 * time.Hour}))
	leaf, err := w.inter.Issue(LeafOptions{DNSNames: []string{"a.test"}})
	require.NoError(t, err)
	resp, err := ocsp.ParseResponseForCert(ocspPost(t, rev, w.inter, leaf.Cert), leaf.Cert, w.inter.Cert)
	require.NoError(t, err)
	assert.Equal(t, fixed.Add(-3*24*time.Hour), resp.ThisUpdate)
	assert.Equal(t, fixed.Add(4*24*time.Hour), resp.NextUpdate)
	code, der := fetch(t, http.MethodGet, rev.CRLURL(w.inter, 0), nil)
	require.Equal(t, http.StatusOK, code)
	crl, err := x509.ParseRevocationList(der)
	require.NoError(t, err)
	assert.Equal(t, fixed.Add(-3*24*time.Hour), crl.ThisUpdate)
	assert.Equal(t, fixed.Add(4*24*time.Hour), crl.NextUpdate)
	// Another CA keeps the server's defaults.
	other, err := w.root.NewIntermediate("Other CA")
	require.NoError(t, err)
	leaf2, err := other.Issue(LeafOptions{DNSNames: []string{"b.test"}})
	require.NoError(t, err)
	resp, err = ocsp.ParseResponseForCert(ocspPost(t, rev, other, leaf2.Cert), leaf2.Cert, other.Cert)
	require.NoError(t, err)
	assert.Equal(t, fixed.Add(-time.Minute), resp.ThisUpdate)
	assert.Equal(t, fixed.Add(-time.Minute+24*time.Hour), resp.NextUpdate)
}

func TestStartTLSHandlerAndReplacements(t *testing.T) {
	w := newWorld(t)
	a, err := w.inter.Issue(LeafOptions{DNSNames: []string{"a.test"}})
	require.NoError(t, err)
	b, err := w.inter.Issue(LeafOptions{DNSNames: []string{"a.test"}})
	require.NoError(t, err)
	srv, err := StartTLS(a.TLSCertificate(), TLSOptions{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(rw, "hello "+r.URL.Path+" "+r.TLS.ServerName)
	})})
	require.NoError(t, err)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: w.root.Pool()},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, srv.Addr())
		},
	}}
	defer client.CloseIdleConnections()
	get := func() (string, *x509.Certificate) {
		t.Helper()
		resp, err := client.Get("https://a.test/callback")
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(body), resp.TLS.PeerCertificates[0]
	}
	// The handler answers; the connection is kept alive for a second request.
	for range 2 {
		body, cert := get()
		assert.Equal(t, "hello /callback a.test", body)
		assert.True(t, cert.Equal(a.Cert))
	}
	assert.Equal(t, 1, srv.Handshakes())
	// A new certificate is served on the next connection.
	require.NoError(t, srv.SetCertificate(b.TLSCertificate()))
	assert.Error(t, srv.SetCertificate(tls.Certificate{}))
	client.CloseIdleConnections()
	_, cert := get()
	assert.True(t, cert.Equal(b.Cert))
	// Without a handler, the default "ok".
	srv.SetHandler(nil)
	body, _ := get()
	assert.Equal(t, "ok", body)
	assert.Equal(t, 2, srv.Handshakes())
}
