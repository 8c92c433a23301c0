package tlsinspect

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/internal/safetext"
)

// Inspector connects to TLS endpoints and judges their certificates. Its
// zero value is ready to use; every field has a documented default. An
// Inspector holds no state of its own (CRLs are cached in CRLCache) and is
// safe for concurrent use; do not change its fields while it is in use.
type Inspector struct {
	// Dialer makes every connection to inspected hosts. If nil, a
	// *net.Dialer. Put an egress guard here.
	Dialer Dialer
	// FetchDialer makes OCSP and CRL fetches. If nil, Dialer is used.
	FetchDialer Dialer
	// Roots are the trusted roots. If nil, the system pool; where the system
	// has none, Mozilla's bundle (see mozillaRoots).
	Roots *x509.CertPool
	// Intermediates are extra intermediate certificates for chain building,
	// beside those the server presents. If nil, only the presented ones.
	Intermediates *x509.CertPool
	// Now returns the current time. If nil, time.Now.
	Now func() time.Time
	// Timeout bounds the connection and handshake. If zero, 10 seconds.
	Timeout time.Duration

	// FetchTimeout bounds each OCSP or CRL fetch (connection, request and
	// body). If zero, 5 seconds. At most two CRL and two OCSP URLs of a
	// certificate are tried.
	FetchTimeout time.Duration
	// MaxFetchBytes caps the body of each OCSP response or CRL; a larger
	// body is rejected. If zero, 10 MiB.
	MaxFetchBytes int64
	// MaxHandshakeBytes caps the bytes read from the server during the
	// handshake; past it the handshake fails with ErrTooLarge. If zero,
	// 256 KiB.
	MaxHandshakeBytes int64
	// HardFail makes an unknown revocation status deny trust: the Report is
	// then not Trusted, with TrustError "revocation unknown (hard-fail)". If
	// false (the default), unknown is a soft failure, as in browsers, and
	// only a cert.revocation_unknown finding says so. HardFail is about the
	// leaf's status only: an intermediate whose status cannot be learned
	// (no CRL distribution point, a failed fetch) never denies trust.
	HardFail bool
	// NoRevocation skips every revocation check, stapled or fetched; the
	// status is then unknown with reason "not checked". If false (the
	// default), revocation is checked.
	NoRevocation bool
	// MaxStapleAge is the age of the oldest stapled OCSP response that
	// counts, by the responder's thisUpdate. An older staple, however long
	// its nextUpdate lets it live, does not decide: the CRL distribution
	// points are consulted, then the OCSP responders, as when nothing is
	// stapled (an older staple that says revoked still counts when they all
	// fail: a revocation stays true). If zero, defaultMaxStapleAge (12
	// hours, the window within which a revocation must be seen). A
	// negative value makes no staple count.
	MaxStapleAge time.Duration
	// CRLCache keeps fetched CRLs. If nil, a cache shared by every
	// Inspector of the process (64 CRLs, 64 MiB, 12 hours at most).
	CRLCache *CRLCache
}

// Defaults of the Inspector fields.
const (
	defaultTimeout           = 10 * time.Second
	defaultFetchTimeout      = 5 * time.Second
	defaultMaxFetchBytes     = 10 << 20
	defaultMaxHandshakeBytes = 256 << 10
	defaultMaxStapleAge      = 12 * time.Hour
)

// maxFetchesPerKind bounds the CRL and OCSP URLs tried per certificate.
const maxFetchesPerKind = 2

func (in *Inspector) dialer() Dialer {
	if in.Dialer != nil {
		return in.Dialer
	}
	return &net.Dialer{}
}

func (in *Inspector) fetchDialer() Dialer {
	if in.FetchDialer != nil {
		return in.FetchDialer
	}
	return in.dialer()
}

func (in *Inspector) now() time.Time {
	if in.Now != nil {
		return in.Now()
	}
	return time.Now()
}

func (in *Inspector) roots() *x509.CertPool {
	if in.Roots != nil {
		return in.Roots
	}
	return defaultRoots()
}

func orDefault[T int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// handshakeSuites are the TLS 1.0–1.2 suites offered: all that crypto/tls
// implements, secure and insecure, so that a server offering only weak suites
// still yields a report (with a tls.cipher_weak finding). crypto/tls orders
// them itself, secure first. The connection carries no application data.
var handshakeSuites = func() []uint16 {
	var ids []uint16
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		for _, v := range s.SupportedVersions {
			if v <= tls.VersionTLS12 {
				ids = append(ids, s.ID)
				break
			}
		}
	}
	return ids
}()

// Inspect connects to host:port through Dialer, performs a TLS handshake
// with SNI host offering TLS 1.0 to 1.3, and reports on the endpoint and its
// certificate: the negotiated version and suite, the chain, its type,
// organization and location, whether it verifies to Roots at Now (without
// the hostname) or only within the leaf's validity period (see
// Report.TrustedWithinValidity), whether it matches host, its validity, revocation status,
// whether it looks like a CDN's, and findings.
//
// Verification is done after the handshake, not by crypto/tls, so that a
// report exists for a bad certificate too: whenever a handshake completed,
// Inspect returns the report and a nil error, however bad the certificate.
// A server that speaks only TLS 1.0 or 1.1 completes a handshake (its report
// has the tls.legacy_only finding).
//
// When no handshake completed, Inspect returns a partial report (Host,
// Port, Address if a connection was made, and a finding) and a
// *HandshakeError, which matches ErrTimeout, ErrRefused, ErrClosed,
// ErrNotTLS, ErrLegacyTLSOnly, ErrTooLarge or ErrNoCertificate under
// errors.Is according to its failReason. An empty host or a port outside 1–65535
// returns a nil report and an error wrapping ErrInvalidTarget.
//
// Revocation is checked only for a chain that verified: the stapled OCSP
// response first, then the leaf's CRL distribution points, then its OCSP
// responders (see Report.Revocation); then the CRLs of the chain's
// intermediates that name any, one of which revoked makes the report revoked.
// URLs in an unverified certificate are never fetched.
func (in *Inspector) Inspect(ctx context.Context, host string, port int) (*Report, error) {
	host = strings.TrimSuffix(host, ".")
	if host == "" || port < 1 || port > 65535 || strings.ContainsAny(host, "/ \t\r\n") {
		return nil, fmt.Errorf("%w: %q port %d", ErrInvalidTarget, host, port)
	}
	now := in.now()
	rep := &Report{Host: host, Port: port, Findings: []Finding{}}

	state, err := in.handshake(ctx, rep)
	if err != nil {
		var he *HandshakeError
		rep.add(code.HandshakeFailed, "%s", strings.TrimPrefix(err.Error(), "tlsinspect: "))
		if errors.As(err, &he) {
			switch he.reason {
			case reasonLegacyOnly:
				rep.add(code.LegacyOnly, "the server speaks only protocol versions older than this client can negotiate")
			case reasonNoCertificate:
				rep.add(code.NoCertificate, "the server presented no certificate")
			}
		}
		return rep, err
	}

	rep.Version = state.Version
	rep.CipherSuite = tls.CipherSuiteName(state.CipherSuite)
	if v := tls.VersionName(state.Version); state.Version < tls.VersionTLS12 {
		rep.add(code.VersionLegacy, "negotiated %s; TLS 1.2 or higher is required (RFC 8996, RFC 9325)", v)
		rep.add(code.LegacyOnly, "the server chose %s although TLS 1.3 and 1.2 were offered", v)
	}
	if weakSuite(state.Version, state.CipherSuite) {
		rep.add(code.CipherWeak, "negotiated %s, without forward secrecy or AEAD (RFC 9325 §4.2)", rep.CipherSuite)
	}

	certs := state.PeerCertificates
	leaf := certs[0]
	rep.Leaf = leaf
	rep.Chain = make([]CertInfo, len(certs))
	for i, c := range certs {
		rep.Chain[i] = certInfo(c)
	}
	rep.Type = Classify(leaf)
	rep.NotBefore, rep.NotAfter = leaf.NotBefore, leaf.NotAfter

	chains := in.verify(rep, certs, now)
	in.judgeCertificate(rep, leaf, certs, now)

	subject := parseSubject(leaf.Subject)
	if (rep.Type == OV || rep.Type == EV) && !subject.HasLegalEntity() {
		rep.add(code.OVMissingOrg, "an %s certificate whose subject lacks an organization (O) or country (C)", rep.Type)
	}
	if cdn, why := DetectCDN(leaf, host); cdn {
		rep.CDN, rep.CDNReason = true, why
		rep.add(code.CDN, "%s; its organization is not the app's", why)
	} else {
		rep.Organization, rep.Location = subject.Organization, subject.Location
	}

	hasPointer := len(leaf.CRLDistributionPoints) > 0 || len(leaf.OCSPServer) > 0
	if !hasPointer && len(state.OCSPResponse) == 0 {
		rep.add(code.NoRevocationPointer, "the certificate has neither a CRL distribution point nor an OCSP responder")
	}
	switch {
	case in.NoRevocation:
		rep.RevocationReason = "not checked"
	case chains == nil:
		rep.RevocationReason = "not checked: the chain is not trusted"
	default:
		caRevoked := in.checkRevocation(ctx, rep, leaf, chains[0], state.OCSPResponse, now)
		switch {
		case caRevoked:
			rep.add(code.Revoked, "the chain's %s, per %s", rep.RevocationReason, rep.RevocationSource)
		case rep.Revocation == RevocationRevoked:
			rep.add(code.Revoked, "the certificate is %s, per %s", rep.RevocationReason, rep.RevocationSource)
		case rep.Revocation == RevocationUnknown:
			rep.add(code.RevocationUnknown, "revocation status unknown: %s", rep.RevocationReason)
			if in.HardFail {
				rep.Trusted = false
				rep.TrustError = "revocation unknown (hard-fail)"
				rep.add(code.Untrusted, "not trusted: revocation unknown (hard-fail)")
			}
		}
	}
	return rep, nil
}

// handshake dials and completes a TLS handshake, setting rep.Address.
func (in *Inspector) handshake(ctx context.Context, rep *Report) (tls.ConnectionState, error) {
	limit := orDefault(in.Timeout, defaultTimeout)
	if d, ok := ctx.Deadline(); ok && time.Until(d) < limit {
		limit = max(time.Until(d), 0)
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	fail := func(r failReason, err error) (tls.ConnectionState, error) {
		return tls.ConnectionState{}, &HandshakeError{Host: rep.Host, Port: rep.Port, reason: r, Err: err, Deadline: limit}
	}
	raw, err := in.dialer().DialContext(ctx, "tcp", net.JoinHostPort(rep.Host, strconv.Itoa(rep.Port)))
	if err != nil {
		switch {
		case isTimeout(ctx, err):
			return fail(reasonTimeout, err)
		case errors.Is(err, syscall.ECONNREFUSED):
			return fail(reasonRefused, err)
		}
		return fail(reasonDial, err)
	}
	defer raw.Close()
	if a := raw.RemoteAddr(); a != nil {
		rep.Address = a.String()
	}
	if d, ok := ctx.Deadline(); ok {
		_ = raw.SetDeadline(d)
	}
	lc := &limitConn{Conn: raw, remaining: orDefault(in.MaxHandshakeBytes, defaultMaxHandshakeBytes)}
	sni := rep.Host
	if net.ParseIP(strings.Trim(sni, "[]")) != nil {
		sni = "" // SNI carries host names only (RFC 6066 §3)
	}
	conn := tls.Client(lc, &tls.Config{
		ServerName:         sni,
		InsecureSkipVerify: true, // verified after the handshake, so that bad certificates are reported
		MinVersion:         tls.VersionTLS10,
		MaxVersion:         tls.VersionTLS13,
		CipherSuites:       handshakeSuites,
	})
	if err := conn.HandshakeContext(ctx); err != nil {
		return fail(handshakeReason(ctx, lc, err), err)
	}
	state := conn.ConnectionState()
	if len(state.PeerCertificates) == 0 {
		return fail(reasonNoCertificate, nil)
	}
	return state, nil
}

func handshakeReason(ctx context.Context, lc *limitConn, err error) failReason {
	switch {
	// crypto/tls gives a handshake message over its own size limit
	// (maxHandshake, maxHandshakeCertificateMsg) no type: its text is the
	// only mark, and the one message text matched here.
	case lc.exceeded || errors.Is(err, errHandshakeLimit) || strings.Contains(err.Error(), "exceeds maximum"):
		return reasonTooLarge
	case isTimeout(ctx, err):
		return reasonTimeout
	case lc.in.alert == alertProtocolVersion || lc.out.alert == alertProtocolVersion:
		return reasonLegacyOnly
	}
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) {
		return reasonNotTLS
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.EPIPE) {
		return reasonClosed
	}
	return reasonOther
}

func isTimeout(ctx context.Context, err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || ctx.Err() == context.DeadlineExceeded {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

var errHandshakeLimit = errors.New("tlsinspect: handshake byte limit reached")

// limitConn fails reads once max bytes have been read, and watches the
// plaintext alerts each side sends.
type limitConn struct {
	net.Conn
	remaining int64
	exceeded  bool
	in, out   alertWatch
}

func (c *limitConn) Read(p []byte) (int, error) {
	if c.remaining <= 0 {
		c.exceeded = true
		return 0, errHandshakeLimit
	}
	if int64(len(p)) > c.remaining {
		p = p[:c.remaining]
	}
	n, err := c.Conn.Read(p)
	c.remaining -= int64(n)
	c.in.feed(p[:n])
	return n, err
}

func (c *limitConn) Write(p []byte) (int, error) {
	c.out.feed(p)
	return c.Conn.Write(p)
}

// alertProtocolVersion is the protocol_version alert (RFC 8446 §6.2): the
// server refused every version offered, or the client the one it chose.
const alertProtocolVersion = 70

// alertWatch follows the TLS record layer of one direction of a connection
// (record headers are never encrypted) and keeps the description of the
// last plaintext alert: a record of type alert and length 2 (encrypted
// alerts are longer, or of type application_data in TLS 1.3).
type alertWatch struct {
	hdr   [5]byte
	nhdr  int // header bytes seen of the current record
	left  int // body bytes still to come
	body  [2]byte
	nbody int
	alert int // description of the last plaintext alert (0 before any: close_notify never matters here)
}

func (w *alertWatch) feed(p []byte) {
	for len(p) > 0 {
		if w.nhdr < len(w.hdr) {
			k := copy(w.hdr[w.nhdr:], p)
			w.nhdr, p = w.nhdr+k, p[k:]
			if w.nhdr == len(w.hdr) {
				w.left, w.nbody = int(w.hdr[3])<<8|int(w.hdr[4]), 0
				if w.left == 0 {
					w.nhdr = 0
				}
			}
			continue
		}
		k := min(len(p), w.left)
		plainAlert := w.hdr[0] == 21 && w.hdr[3] == 0 && w.hdr[4] == 2
		if plainAlert {
			w.nbody += copy(w.body[w.nbody:], p[:k])
		}
		w.left, p = w.left-k, p[k:]
		if w.left == 0 {
			if plainAlert && w.nbody == 2 {
				w.alert = int(w.body[1])
			}
			w.nhdr = 0
		}
	}
}

// verify sets Trusted and TrustError and returns the verified chains.
func (in *Inspector) verify(rep *Report, certs []*x509.Certificate, now time.Time) [][]*x509.Certificate {
	inter := in.Intermediates
	if len(certs) > 1 {
		if inter != nil {
			inter = inter.Clone()
		} else {
			inter = x509.NewCertPool()
		}
		for _, c := range certs[1:] {
			inter.AddCert(c)
		}
	}
	opts := x509.VerifyOptions{
		Roots:         in.roots(),
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	chains, err := certs[0].Verify(opts)
	if err != nil {
		rep.TrustError = strings.TrimPrefix(err.Error(), "x509: ")
		rep.add(code.Untrusted, "the chain does not verify to the trusted roots: %s", rep.TrustError)
		rep.TrustedWithinValidity = verifiesWithinValidity(certs[0], opts, err)
		return nil
	}
	rep.Trusted = true
	rep.TrustedWithinValidity = true
	return chains
}

// verifiesWithinValidity reports whether leaf, which failed to verify with
// opts at opts.CurrentTime with err, verifies at the moment of its validity
// period nearest to that time. It tries only when err is about a validity
// period and the leaf is outside its own: then the leaf's dates alone may be
// at fault. The chains so verified are not returned: a chain that does not
// verify now is not trusted, and its revocation URLs are never fetched.
func verifiesWithinValidity(leaf *x509.Certificate, opts x509.VerifyOptions, err error) bool {
	var inv x509.CertificateInvalidError
	if !errors.As(err, &inv) || inv.Reason != x509.Expired || leaf.NotAfter.Before(leaf.NotBefore) {
		return false
	}
	switch now := opts.CurrentTime; {
	case now.After(leaf.NotAfter):
		opts.CurrentTime = leaf.NotAfter // still valid at NotAfter (RFC 5280 §4.1.2.5)
	case now.Before(leaf.NotBefore):
		opts.CurrentTime = leaf.NotBefore
	default:
		return false // the leaf is within its dates: another certificate's are wrong
	}
	_, err = leaf.Verify(opts)
	return err == nil
}

// judgeCertificate adds the hostname, self-signed, validity, key and
// signature findings.
func (in *Inspector) judgeCertificate(rep *Report, leaf *x509.Certificate, certs []*x509.Certificate, now time.Time) {
	if err := leaf.VerifyHostname(rep.Host); err == nil {
		rep.HostnameMatch = true
	} else {
		rep.add(code.HostnameMismatch, "the certificate is not valid for %q", rep.Host)
	}
	rep.SelfSigned = isSelfSigned(leaf)
	if rep.SelfSigned {
		rep.add(code.SelfSigned, "the certificate is self-signed")
	}
	if now.After(leaf.NotAfter) {
		rep.Expired = true
		rep.add(code.Expired, "the certificate expired at %s", leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	if now.Before(leaf.NotBefore) {
		rep.NotYetValid = true
		rep.add(code.NotYetValid, "the certificate is valid only from %s", leaf.NotBefore.UTC().Format(time.RFC3339))
	}
	for i, c := range certs {
		if kind, bits, weak := keyStrength(c); weak {
			rep.add(code.KeyWeak, "certificate %d of the chain has a %d-bit %s key", i, bits, kind)
			break
		}
	}
	for i, c := range certs {
		if i > 0 && isSelfSigned(c) {
			continue // a root's own signature does not matter
		}
		switch c.SignatureAlgorithm {
		case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1, x509.MD5WithRSA, x509.MD2WithRSA:
			rep.add(code.SHA1Signature, "certificate %d of the chain is signed with %s", i, c.SignatureAlgorithm)
		}
		if rep.has(code.SHA1Signature) {
			break
		}
	}
	if maxDays, ok := maxValidity(leaf.NotBefore); ok {
		if days := validityDays(leaf.NotBefore, leaf.NotAfter); days > maxDays {
			rep.add(code.ValidityTooLong, "the certificate is valid for %d days; at most %d are allowed for one issued %s",
				days, maxDays, leaf.NotBefore.UTC().Format("2006-01-02"))
		}
	}
}

func isSelfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawIssuer, c.RawSubject) {
		return false
	}
	err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature)
	var insecure x509.InsecureAlgorithmError
	return err == nil || errors.As(err, &insecure)
}

func keyStrength(c *x509.Certificate) (kind string, bits int, weak bool) {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen(), k.N.BitLen() < 2048
	case *ecdsa.PublicKey:
		return "ECDSA", k.Curve.Params().BitSize, k.Curve.Params().BitSize < 256
	case ed25519.PublicKey:
		return "Ed25519", 256, false
	}
	return "unknown", 0, false
}

// strongSuites are the TLS 1.2 suites with forward secrecy and AEAD that
// RFC 9325 §4.2 recommends; every other TLS 1.0–1.2 suite is weak.
var strongSuites = map[uint16]bool{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:       true,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:       true,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:         true,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:         true,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: true,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:   true,
}

func weakSuite(version, suite uint16) bool {
	return version < tls.VersionTLS13 && !strongSuites[suite]
}

func certInfo(c *x509.Certificate) CertInfo {
	kind, bits, _ := keyStrength(c)
	return CertInfo{
		Subject:            safetext.Sanitize(c.Subject.String()),
		Issuer:             safetext.Sanitize(c.Issuer.String()),
		Serial:             c.SerialNumber.Text(16),
		DNSNames:           c.DNSNames,
		NotBefore:          c.NotBefore,
		NotAfter:           c.NotAfter,
		KeyType:            kind,
		KeyBits:            bits,
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
	}
}
