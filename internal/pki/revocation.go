package pki

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Fault makes the revocation server misbehave, per CA (SetFault) or per URL
// (SetURLFault).
type Fault int

// Faults. FaultNone is normal service.
const (
	FaultNone         Fault = iota
	FaultSlow               // wait RevocationOptions.SlowDelay before answering normally
	FaultHuge               // answer 200 with RevocationOptions.HugeBytes of junk
	FaultMalformed          // answer 200 with bytes that are not DER
	FaultBadSignature       // well-formed response whose signature does not verify
	FaultWrongKey           // response signed by an unrelated key (issuer named as signer)
	FaultOtherSerial        // OCSP: response for serial+1 (CRLs are unaffected)
	FaultStale              // thisUpdate and nextUpdate in the past
	FaultHTTP500            // HTTP 500 with an empty body
	FaultTryLater           // OCSP: "tryLater" error response (CRLs: HTTP 503)
)

var faultNames = [...]string{"none", "slow", "huge", "malformed", "bad-signature", "wrong-key", "other-serial", "stale", "http-500", "try-later"}

// String returns the fault's name, e.g. "wrong-key".
func (f Fault) String() string {
	if f >= 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// RevocationOptions configures NewRevocationServer. The zero value is fine.
type RevocationOptions struct {
	// Now is the server clock for thisUpdate/nextUpdate (default time.Now).
	Now func() time.Time
	// Validity is nextUpdate - thisUpdate for OCSP responses and CRLs
	// (default 24h).
	Validity time.Duration
	// SlowDelay is how long FaultSlow waits (default 30s; ends early on
	// Close or when the client goes away).
	SlowDelay time.Duration
	// HugeBytes is the body size for FaultHuge (default 8 MiB).
	HugeBytes int
}

// CAConfig configures how the server answers for one CA.
type CAConfig struct {
	// CRLPartitions is the number of CRL shards (default 1). A serial s is
	// listed on partition s mod CRLPartitions; see CRLURLForSerial.
	CRLPartitions int
	// Responder, if set, is a delegated OCSP responder (NewOCSPResponder)
	// that signs this CA's OCSP responses instead of the CA.
	Responder *Leaf
	// Validity is nextUpdate - thisUpdate of this CA's OCSP responses and
	// CRLs (default RevocationOptions.Validity).
	Validity time.Duration
	// Age is how long before the server's now this CA's OCSP responses and
	// CRLs were produced: thisUpdate is now - Age (default 1 minute), as a
	// responder that signs ahead of time serves them.
	Age time.Duration
}

type revocation struct {
	at     time.Time
	reason int
}

type caEntry struct {
	ca        *CA
	id        string
	cfg       CAConfig
	revoked   map[string]revocation // serial (decimal) -> revocation
	fault     Fault
	crlNumber int64
}

// RevocationServer serves OCSP (RFC 6960, GET and POST) and CRLs for any
// number of CAs on a 127.0.0.1 loopback port. It is safe for concurrent use.
//
// URLs: OCSPURL(ca) is <base>/ocsp/<id>; CRLURL(ca, p) is <base>/crl/<id>/<p>.crl.
// A CA is registered on first use by any method taking it; AddCA changes its
// configuration. OCSP answers good for serials the CA issued, revoked for
// serials passed to Revoke, and unknown otherwise; a request naming another
// issuer gets an "unauthorized" error response.
type RevocationServer struct {
	opts RevocationOptions
	ln   net.Listener
	srv  *http.Server
	base string

	mu        sync.Mutex
	cas       map[*CA]*caEntry
	byID      map[string]*caEntry
	urlFaults map[string]Fault // endpoint path -> fault
	wrongKey  *CA              // lazily created unrelated key holder

	ocspN, crlN, certN atomic.Int64
	perPath            sync.Map // endpoint path -> *atomic.Int64

	inflightMu sync.Mutex
	isClosed   bool
	inflight   sync.WaitGroup
	closed     chan struct{}
	closeOnce  sync.Once
	serveDone  chan struct{}
}

// NewRevocationServer starts a revocation server on 127.0.0.1:0.
func NewRevocationServer(opts RevocationOptions) (*RevocationServer, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Validity <= 0 {
		opts.Validity = 24 * time.Hour
	}
	if opts.SlowDelay <= 0 {
		opts.SlowDelay = 30 * time.Second
	}
	if opts.HugeBytes <= 0 {
		opts.HugeBytes = 8 << 20
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("pki: listen: %w", err)
	}
	s := &RevocationServer{
		opts:      opts,
		ln:        ln,
		base:      "http://" + ln.Addr().String(),
		cas:       make(map[*CA]*caEntry),
		byID:      make(map[string]*caEntry),
		urlFaults: make(map[string]Fault),
		closed:    make(chan struct{}),
		serveDone: make(chan struct{}),
	}
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          nil,
	}
	go func() {
		defer close(s.serveDone)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// URL returns the server's base URL, e.g. http://127.0.0.1:41234.
func (s *RevocationServer) URL() string { return s.base }

// Close stops the server, ends in-flight requests (including slow ones) and
// waits for its goroutines. It is safe to call more than once.
func (s *RevocationServer) Close() {
	if s == nil {
		return
	}
	s.closeOnce.Do(func() {
		s.inflightMu.Lock()
		s.isClosed = true
		s.inflightMu.Unlock()
		close(s.closed)
		_ = s.srv.Close()
		<-s.serveDone
		s.inflight.Wait()
	})
}

// OCSPRequests returns the number of OCSP requests received.
func (s *RevocationServer) OCSPRequests() int { return int(s.ocspN.Load()) }

// CRLRequests returns the number of CRL requests received.
func (s *RevocationServer) CRLRequests() int { return int(s.crlN.Load()) }

// CertRequests returns the number of CA certificate (AIA caIssuers) requests.
func (s *RevocationServer) CertRequests() int { return int(s.certN.Load()) }

// Requests returns the number of requests received for one URL returned by
// OCSPURL, CRLURL or CAIssuersURL (OCSP GET requests count for OCSPURL).
func (s *RevocationServer) Requests(rawURL string) int {
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0
	}
	if n, ok := s.perPath.Load(u.EscapedPath()); ok {
		return int(n.(*atomic.Int64).Load())
	}
	return 0
}

func (s *RevocationServer) count(endpoint string) {
	n, _ := s.perPath.LoadOrStore(endpoint, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
}

// entry returns ca's entry, registering it with the default config.
// s.mu must be held.
func (s *RevocationServer) entry(ca *CA) *caEntry {
	if e, ok := s.cas[ca]; ok {
		return e
	}
	e := &caEntry{ca: ca, id: "ca" + strconv.Itoa(len(s.cas)), cfg: CAConfig{CRLPartitions: 1}, revoked: make(map[string]revocation)}
	s.cas[ca] = e
	s.byID[e.id] = e
	return e
}

// AddCA registers ca (if needed) and sets its configuration.
func (s *RevocationServer) AddCA(ca *CA, cfg CAConfig) error {
	if ca == nil || ca.Cert == nil || ca.Key == nil {
		return errors.New("pki: AddCA with a nil or incomplete CA")
	}
	if cfg.CRLPartitions <= 0 {
		cfg.CRLPartitions = 1
	}
	if cfg.Responder != nil && (cfg.Responder.Cert == nil || cfg.Responder.Key == nil) {
		return errors.New("pki: AddCA with an incomplete responder")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entry(ca).cfg = cfg
	return nil
}

// OCSPURL returns the OCSP responder URL for ca, for LeafOptions.OCSPServer.
// It returns "" for a nil CA.
func (s *RevocationServer) OCSPURL(ca *CA) string {
	if ca == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.base + "/ocsp/" + s.entry(ca).id
}

// CAIssuersURL returns a URL serving ca's certificate (DER,
// application/pkix-cert), for LeafOptions.IssuingCertificateURL. It returns
// "" for a nil CA.
func (s *RevocationServer) CAIssuersURL(ca *CA) string {
	if ca == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.base + "/cert/" + s.entry(ca).id + ".der"
}

// CRLURL returns the URL of CRL partition p (0-based) of ca; the server
// answers 404 for a partition beyond CAConfig.CRLPartitions. It returns ""
// for a nil CA.
func (s *RevocationServer) CRLURL(ca *CA, partition int) string {
	if ca == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.crlURL(s.entry(ca), partition)
}

func (s *RevocationServer) crlURL(e *caEntry, p int) string {
	return s.base + "/crl/" + e.id + "/" + strconv.Itoa(p) + ".crl"
}

// CRLURLs returns the URLs of all CRL partitions of ca.
func (s *RevocationServer) CRLURLs(ca *CA) []string {
	if ca == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entry(ca)
	out := make([]string, e.cfg.CRLPartitions)
	for i := range out {
		out[i] = s.crlURL(e, i)
	}
	return out
}

// CRLURLForSerial returns the URL of the CRL partition that covers serial.
func (s *RevocationServer) CRLURLForSerial(ca *CA, serial *big.Int) string {
	if ca == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entry(ca)
	return s.crlURL(e, partitionOf(serial, e.cfg.CRLPartitions))
}

func partitionOf(serial *big.Int, n int) int {
	if serial == nil || n <= 1 {
		return 0
	}
	return int(new(big.Int).Mod(serial, big.NewInt(int64(n))).Int64())
}

// Revoke marks serial as revoked by ca at time at (reason unspecified).
func (s *RevocationServer) Revoke(ca *CA, serial *big.Int, at time.Time) {
	s.RevokeWithReason(ca, serial, at, ocsp.Unspecified)
}

// RevokeWithReason is Revoke with an RFC 5280 reason code (ocsp.KeyCompromise, ...).
func (s *RevocationServer) RevokeWithReason(ca *CA, serial *big.Int, at time.Time, reason int) {
	if ca == nil || serial == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entry(ca).revoked[serial.String()] = revocation{at: at, reason: reason}
}

// Unrevoke removes serial from ca's revocation list.
func (s *RevocationServer) Unrevoke(ca *CA, serial *big.Int) {
	if ca == nil || serial == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entry(ca).revoked, serial.String())
}

// SetFault sets the fault for every OCSP and CRL URL of ca (FaultNone to clear).
// A fault set with SetURLFault takes precedence.
func (s *RevocationServer) SetFault(ca *CA, f Fault) {
	if ca == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entry(ca).fault = f
}

// SetURLFault sets the fault for one URL returned by OCSPURL, CRLURL or
// CRLURLs (FaultNone to clear); an OCSPURL fault covers GET requests below
// it too. It returns an error if the URL is not this server's.
func (s *RevocationServer) SetURLFault(rawURL string, f Fault) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("pki: SetURLFault: %w", err)
	}
	if "http://"+u.Host != s.base {
		return fmt.Errorf("pki: SetURLFault: %q is not served by %s", rawURL, s.base)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == FaultNone {
		delete(s.urlFaults, u.Path)
	} else {
		s.urlFaults[u.Path] = f
	}
	return nil
}

// snapshot is what a handler needs, copied under the lock.
type snapshot struct {
	ca        *CA
	cfg       CAConfig
	revoked   map[string]revocation
	fault     Fault
	crlNumber int64
}

func (s *RevocationServer) lookup(id, endpoint string, bumpCRL bool) (snapshot, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok {
		return snapshot{}, false
	}
	snap := snapshot{ca: e.ca, cfg: e.cfg, fault: e.fault, revoked: make(map[string]revocation, len(e.revoked))}
	for k, v := range e.revoked {
		snap.revoked[k] = v
	}
	if f, ok := s.urlFaults[endpoint]; ok {
		snap.fault = f
	}
	if bumpCRL {
		e.crlNumber++
		snap.crlNumber = e.crlNumber
	}
	return snap, true
}

// wrongKeyCA returns an unrelated CA whose key signs FaultWrongKey answers.
func (s *RevocationServer) wrongKeyCA() (*CA, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wrongKey == nil {
		ca, err := NewRoot("appverify wrong-key CA")
		if err != nil {
			return nil, err
		}
		s.wrongKey = ca
	}
	return s.wrongKey, nil
}

func (s *RevocationServer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflightMu.Lock()
	if s.isClosed {
		s.inflightMu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	s.inflight.Add(1)
	s.inflightMu.Unlock()
	defer s.inflight.Done()

	path := r.URL.EscapedPath()
	switch {
	case strings.HasPrefix(path, "/cert/"):
		s.certN.Add(1)
		s.count(path)
		id := strings.TrimSuffix(strings.TrimPrefix(path, "/cert/"), ".der")
		snap, ok := s.lookup(id, path, false)
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/pkix-cert")
		_, _ = w.Write(snap.ca.Cert.Raw)
	case strings.HasPrefix(path, "/ocsp/"):
		s.ocspN.Add(1)
		rest := strings.TrimPrefix(path, "/ocsp/")
		id, reqPart, _ := strings.Cut(rest, "/")
		s.count("/ocsp/" + id)
		snap, ok := s.lookup(id, "/ocsp/"+id, false)
		if !ok {
			http.NotFound(w, r)
			return
		}
		if !s.applyTransportFault(w, r, snap.fault, "application/ocsp-response") {
			return
		}
		s.serveOCSP(w, r, snap, reqPart)
	case strings.HasPrefix(path, "/crl/"):
		s.crlN.Add(1)
		rest := strings.TrimSuffix(strings.TrimPrefix(path, "/crl/"), ".crl")
		id, pStr, _ := strings.Cut(rest, "/")
		s.count(path)
		snap, ok := s.lookup(id, path, true)
		p, err := strconv.Atoi(pStr)
		if !ok || err != nil || p < 0 || p >= snap.cfg.CRLPartitions || r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.NotFound(w, r)
			return
		}
		if !s.applyTransportFault(w, r, snap.fault, "application/pkix-crl") {
			return
		}
		if snap.fault == FaultTryLater {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		der, err := s.buildCRL(snap, p, s.base+path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/pkix-crl")
		w.Header().Set("Content-Length", strconv.Itoa(len(der)))
		_, _ = w.Write(der)
	default:
		http.NotFound(w, r)
	}
}

// applyTransportFault handles faults that do not depend on the content. It
// returns true if the handler should go on to build a (possibly faulty) answer.
func (s *RevocationServer) applyTransportFault(w http.ResponseWriter, r *http.Request, f Fault, ctype string) bool {
	switch f {
	case FaultSlow:
		t := time.NewTimer(s.opts.SlowDelay)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-s.closed:
		case <-r.Context().Done():
		}
		return false
	case FaultHTTP500:
		w.WriteHeader(http.StatusInternalServerError)
		return false
	case FaultMalformed:
		w.Header().Set("Content-Type", ctype)
		_, _ = w.Write([]byte("\x30\x82\xff\xffthis is not DER at all\x00\x01"))
		return false
	case FaultHuge:
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(s.opts.HugeBytes))
		chunk := bytes.Repeat([]byte{0x30}, 32<<10)
		for left := s.opts.HugeBytes; left > 0; left -= len(chunk) {
			if left < len(chunk) {
				chunk = chunk[:left]
			}
			select {
			case <-s.closed:
				return false
			case <-r.Context().Done():
				return false
			default:
			}
			if _, err := w.Write(chunk); err != nil {
				return false
			}
		}
		return false
	}
	return true
}

func (s *RevocationServer) serveOCSP(w http.ResponseWriter, r *http.Request, snap snapshot, reqPart string) {
	var raw []byte
	switch r.Method {
	case http.MethodGet:
		unescaped, err := url.PathUnescape(reqPart)
		if err != nil {
			writeOCSPError(w, ocsp.MalformedRequestErrorResponse)
			return
		}
		raw, err = base64.StdEncoding.DecodeString(unescaped)
		if err != nil {
			// Some clients use unpadded or URL-safe base64.
			raw, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(unescaped), "="))
			if err != nil {
				writeOCSPError(w, ocsp.MalformedRequestErrorResponse)
				return
			}
		}
	case http.MethodPost:
		var err error
		raw, err = io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			return
		}
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	req, err := ocsp.ParseRequest(raw)
	if err != nil {
		writeOCSPError(w, ocsp.MalformedRequestErrorResponse)
		return
	}
	if snap.fault == FaultTryLater {
		writeOCSPError(w, ocsp.TryLaterErrorResponse)
		return
	}
	if !issuerMatches(req, snap.ca) {
		writeOCSPError(w, ocsp.UnauthorizedErrorResponse)
		return
	}
	der, err := s.buildOCSP(snap, req)
	if err != nil {
		writeOCSPError(w, ocsp.InternalErrorErrorResponse)
		return
	}
	w.Header().Set("Content-Type", "application/ocsp-response")
	w.Header().Set("Content-Length", strconv.Itoa(len(der)))
	_, _ = w.Write(der)
}

func writeOCSPError(w http.ResponseWriter, resp []byte) {
	w.Header().Set("Content-Type", "application/ocsp-response")
	_, _ = w.Write(resp)
}

func (s *RevocationServer) times(snap snapshot) (thisUpdate, nextUpdate time.Time) {
	now := s.opts.Now().UTC().Truncate(time.Second)
	validity, age := s.opts.Validity, time.Minute
	if snap.cfg.Validity > 0 {
		validity = snap.cfg.Validity
	}
	if snap.cfg.Age > 0 {
		age = snap.cfg.Age
	}
	if snap.fault == FaultStale {
		return now.Add(-2*validity - time.Hour), now.Add(-time.Hour)
	}
	return now.Add(-age), now.Add(-age + validity)
}

func (s *RevocationServer) buildOCSP(snap snapshot, req *ocsp.Request) ([]byte, error) {
	thisUpdate, nextUpdate := s.times(snap)
	tmpl := ocsp.Response{
		SerialNumber: req.SerialNumber,
		ThisUpdate:   thisUpdate,
		NextUpdate:   nextUpdate,
		IssuerHash:   req.HashAlgorithm,
	}
	if rv, ok := snap.revoked[req.SerialNumber.String()]; ok {
		tmpl.Status = ocsp.Revoked
		tmpl.RevokedAt = rv.at
		tmpl.RevocationReason = rv.reason
	} else if snap.ca.Issued(req.SerialNumber) {
		tmpl.Status = ocsp.Good
	} else {
		tmpl.Status = ocsp.Unknown
	}
	if snap.fault == FaultOtherSerial {
		tmpl.SerialNumber = nextSerial(req.SerialNumber)
	}
	ca := snap.ca
	respCert, key := ca.Cert, ca.Key
	if snap.cfg.Responder != nil {
		respCert, key = snap.cfg.Responder.Cert, snap.cfg.Responder.Key
		tmpl.Certificate = snap.cfg.Responder.Cert
	}
	switch snap.fault {
	case FaultBadSignature:
		key = corruptSigner{key}
	case FaultWrongKey:
		wk, err := s.wrongKeyCA()
		if err != nil {
			return nil, err
		}
		respCert, key = ca.Cert, wk.Key
		tmpl.Certificate = nil
	}
	der, err := ocsp.CreateResponse(ca.Cert, respCert, tmpl, key)
	if err != nil {
		return nil, fmt.Errorf("pki: creating OCSP response: %w", err)
	}
	return der, nil
}

// issuingDistributionPoint encodes the IDP extension naming crlURL, with
// onlyContainsUserCerts set (RFC 5280 §5.2.5).
func issuingDistributionPoint(crlURL string) (pkix.Extension, error) {
	type distributionPointName struct {
		FullName []asn1.RawValue `asn1:"optional,tag:0"`
	}
	type idp struct {
		DistributionPoint     distributionPointName `asn1:"optional,tag:0"`
		OnlyContainsUserCerts bool                  `asn1:"optional,tag:1"`
	}
	val, err := asn1.Marshal(idp{
		DistributionPoint:     distributionPointName{FullName: []asn1.RawValue{{Tag: 6, Class: asn1.ClassContextSpecific, Bytes: []byte(crlURL)}}},
		OnlyContainsUserCerts: true,
	})
	if err != nil {
		return pkix.Extension{}, fmt.Errorf("pki: encoding issuingDistributionPoint: %w", err)
	}
	return pkix.Extension{Id: OIDIssuingDistributionPoint, Critical: true, Value: val}, nil
}

func (s *RevocationServer) buildCRL(snap snapshot, partition int, crlURL string) ([]byte, error) {
	thisUpdate, nextUpdate := s.times(snap)
	tmpl := &x509.RevocationList{
		Number:     big.NewInt(snap.crlNumber),
		ThisUpdate: thisUpdate,
		NextUpdate: nextUpdate,
	}
	for serialStr, rv := range snap.revoked {
		serial, ok := new(big.Int).SetString(serialStr, 10)
		if !ok || partitionOf(serial, snap.cfg.CRLPartitions) != partition {
			continue
		}
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{
			SerialNumber:   serial,
			RevocationTime: rv.at,
			ReasonCode:     rv.reason,
		})
	}
	slices.SortFunc(tmpl.RevokedCertificateEntries, func(a, b x509.RevocationListEntry) int {
		return a.SerialNumber.Cmp(b.SerialNumber)
	})
	if snap.cfg.CRLPartitions > 1 {
		ext, err := issuingDistributionPoint(crlURL)
		if err != nil {
			return nil, err
		}
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, ext)
	}
	key := snap.ca.Key
	if snap.fault == FaultWrongKey {
		wk, err := s.wrongKeyCA()
		if err != nil {
			return nil, err
		}
		key = wk.Key
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, snap.ca.Cert, key)
	if err != nil {
		return nil, fmt.Errorf("pki: creating CRL: %w", err)
	}
	if snap.fault == FaultBadSignature {
		der = corruptTrailingSignature(der)
	}
	return der, nil
}
