package appidenttest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/internal/dnstest"
	"github.com/consenttrust/appverify/internal/pki"
	"github.com/consenttrust/appverify/tlsinspect"
)

// World is a running offline world: a DNS server, a CA (a root, and an
// issuing intermediate per site), an OCSP and CRL server, and one TLS
// server per site. It is safe for concurrent use. Close it when done.
type World struct {
	dns   *dnstest.Server
	root  *pki.CA
	other *pki.CA // an untrusted root, for Untrusted sites
	rev   *pki.RevocationServer
	down  string // an address nothing listens on

	mu     sync.Mutex
	now    time.Time // zero: the real clock
	sites  map[string]*Site
	txt    map[string][][]string // TXT records per name
	faults map[string]int        // rcode per name
	ttls   map[string]time.Duration
	delays map[string]time.Duration
	addrs  map[string][]netip.Addr
	closed bool

	fmu       sync.Mutex
	dnsFaults map[string]*draws // by canonical name (trailing dot); see Site.SetFaults
}

// TB is the part of testing.TB that New uses.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// New returns a running World closed when the test ends; it fails the test
// if the world cannot start.
func New(t TB) *World {
	t.Helper()
	w, err := NewWorld()
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	t.Cleanup(w.Close)
	return w
}

// NewWorld starts a World with no sites.
func NewWorld() (w *World, err error) {
	w = &World{
		sites: make(map[string]*Site), txt: make(map[string][][]string), faults: make(map[string]int),
		ttls: make(map[string]time.Duration), delays: make(map[string]time.Duration), addrs: make(map[string][]netip.Addr),
		dnsFaults: make(map[string]*draws),
	}
	defer func() {
		if err != nil {
			w.Close()
			w = nil
		}
	}()
	if w.dns, err = dnstest.New(); err != nil {
		return nil, fmt.Errorf("appidenttest: %w", err)
	}
	w.dns.SetIntercept(w.interceptDNS)
	// The CAs were valid a year before the world's now, as real CAs are, so
	// that an expired leaf (valid until yesterday) was once issued under a
	// valid chain: only its own dates are wrong.
	if w.root, err = pki.NewRoot("appidenttest Root CA", w.caValidity()); err != nil {
		return nil, fmt.Errorf("appidenttest: %w", err)
	}
	if w.other, err = pki.NewRoot("appidenttest Untrusted Root", w.caValidity()); err != nil {
		return nil, fmt.Errorf("appidenttest: %w", err)
	}
	if w.rev, err = pki.NewRevocationServer(pki.RevocationOptions{Now: w.Now}); err != nil {
		return nil, fmt.Errorf("appidenttest: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("appidenttest: %w", err)
	}
	w.down = ln.Addr().String()
	ln.Close()
	return w, nil
}

// Close stops every server of the world. It may be called more than once.
func (w *World) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	sites := w.sites
	w.mu.Unlock()
	for _, s := range sites {
		s.close()
	}
	if w.rev != nil {
		w.rev.Close()
	}
	if w.dns != nil {
		w.dns.Close()
	}
}

// Now returns the world's clock: the real time unless SetNow or Advance
// changed it. Config().Now and the revocation server use it.
func (w *World) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.now.IsZero() {
		return time.Now()
	}
	return w.now
}

// SetNow stops the world's clock at t.
func (w *World) SetNow(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = t
}

// Advance moves the world's clock on by d (stopping it if it was real).
func (w *World) Advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.now.IsZero() {
		w.now = time.Now()
	}
	w.now = w.now.Add(d)
}

// Config returns an appident.Config wired to the world: its DNS server as
// Resolver, its Dialer, its root as the only trusted root and its clock.
//
// AllowPrivate is true because every server of the world listens on
// loopback, which the egress guard refuses otherwise. The world's Dialer
// never reaches beyond the world, so lifting the guard here exposes
// nothing; never copy AllowPrivate into a production Config.
func (w *World) Config() appident.Config {
	return appident.Config{
		Resolver:     w.Resolver(),
		Dialer:       w.Dialer(),
		Roots:        w.Roots(),
		Now:          w.Now,
		AllowPrivate: true,
	}
}

// Resolver returns a dnsverify.Client asking only the world's DNS server.
func (w *World) Resolver() *dnsverify.Client {
	return &dnsverify.Client{Servers: []string{w.dns.Addr()}, Timeout: 2 * time.Second}
}

// NetResolver returns a *net.Resolver asking only the world's DNS server,
// for a *net.Dialer that resolves names in the world (Dialer.Resolver).
func (w *World) NetResolver() *net.Resolver { return w.dns.Resolver() }

// DNSAddr returns the address (127.0.0.1:port, UDP and TCP) of the world's DNS server.
func (w *World) DNSAddr() string { return w.dns.Addr() }

// Roots returns a pool holding the world's root only.
func (w *World) Roots() *x509.CertPool { return w.root.Pool() }

// RootPEM returns the world's root certificate in PEM, as a -cacert file wants it.
func (w *World) RootPEM() []byte { return pki.CertPEM(w.root.Cert) }

// RevocationAddr returns the address (127.0.0.1:port) of the world's OCSP and CRL server.
func (w *World) RevocationAddr() string { return strings.TrimPrefix(w.rev.URL(), "http://") }

// OCSPRequests and CRLRequests count the requests the revocation server received.
func (w *World) OCSPRequests() int { return w.rev.OCSPRequests() }

// CRLRequests counts the CRL requests the revocation server received.
func (w *World) CRLRequests() int { return w.rev.CRLRequests() }

// DNSQueries returns how many TXT queries for name the DNS server received.
func (w *World) DNSQueries(name string) int { return w.dns.Queries(name, dnsTypeTXT) }

const dnsTypeTXT = 16

// Handshakes returns the TLS handshakes completed by every site's server.
func (w *World) Handshakes() int {
	n := 0
	for _, s := range w.siteList() {
		n += s.Handshakes()
	}
	return n
}

// TLSAddr returns the loopback address of host's TLS server ("" if host is
// not a site), for curl-style --connect-to host:443:ADDR.
func (w *World) TLSAddr(host string) string {
	if s := w.Site(host); s != nil {
		return s.Addr
	}
	return ""
}

// Site returns the site added for host, or nil.
func (w *World) Site(host string) *Site {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sites[normHost(host)]
}

func (w *World) siteList() []*Site {
	w.mu.Lock()
	defer w.mu.Unlock()
	l := make([]*Site, 0, len(w.sites))
	for _, s := range w.sites {
		l = append(l, s)
	}
	return l
}

func normHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

// SetTXT replaces the TXT records at name (each record given as its
// character-strings), as a developer editing their zone would.
func (w *World) SetTXT(name string, records ...[]string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	name = normHost(name)
	w.txt[name] = records
	w.applyDNS(name)
}

// AddTXT adds TXT records at name to those already there.
func (w *World) AddTXT(name string, records ...[]string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	name = normHost(name)
	w.txt[name] = append(w.txt[name], records...)
	w.applyDNS(name)
}

// SetDNSFault makes every query for name answer with rcode (such as 2,
// SERVFAIL, or 5, REFUSED); 0 restores normal answers.
func (w *World) SetDNSFault(name string, rcode int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	name = normHost(name)
	if rcode == 0 {
		delete(w.faults, name)
	} else {
		w.faults[name] = rcode
	}
	w.applyDNS(name)
}

// SetDNSDelay delays every answer for name by d.
func (w *World) SetDNSDelay(name string, d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	name = normHost(name)
	w.delays[name] = d
	w.applyDNS(name)
}

// SetDNSTTL sets the DNS TTL of name's records (default 300 seconds).
func (w *World) SetDNSTTL(name string, ttl time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	name = normHost(name)
	w.ttls[name] = ttl
	w.applyDNS(name)
}

// SetA makes name resolve to ips (IPv4 answer A queries, IPv6 AAAA queries),
// for testing what a Checker does with hosts that resolve to private
// addresses through a *net.Dialer using NetResolver.
func (w *World) SetA(name string, ips ...netip.Addr) {
	w.mu.Lock()
	defer w.mu.Unlock()
	name = normHost(name)
	w.addrs[name] = append([]netip.Addr(nil), ips...)
	w.applyDNS(name)
}

// applyDNS sets name's records, TTL, delay and fault in the DNS server.
// Called with w.mu held.
func (w *World) applyDNS(name string) {
	w.dns.Remove(name)
	if recs, ok := w.txt[name]; ok {
		w.dns.SetTXT(name, recs...)
	}
	if ips, ok := w.addrs[name]; ok {
		w.dns.SetA(name, ips...)
	}
	if ttl, ok := w.ttls[name]; ok {
		w.dns.SetTTL(name, ttl)
	}
	if d, ok := w.delays[name]; ok {
		w.dns.SetDelay(name, d)
	}
	if rc, ok := w.faults[name]; ok {
		w.dns.SetRcode(name, rc)
	}
}

// TLSFault makes a site's TLS endpoint misbehave.
type TLSFault int

const (
	// TLSNone: a TLS server answers normally.
	TLSNone TLSFault = iota
	// TLSDown: nothing listens: connections are refused.
	TLSDown
	// TLSSilent: connections are accepted and never answered, so the
	// handshake times out.
	TLSSilent
	// TLSGarbage: the server answers the ClientHello with bytes that are not TLS.
	TLSGarbage
)

// SiteOptions describes a site to add to the world.
type SiteOptions struct {
	// Host is the redirect host, such as "app.examplehealth.com". Required;
	// it must lie under a public suffix.
	Host string
	// Type is the certificate type, by its CA/Browser Forum policy OID;
	// tlsinspect.Unknown puts no policy OID in the certificate.
	Type tlsinspect.CertType
	// Organization, Country, State and Locality go in the certificate's
	// subject (O, C, ST, L) when set.
	Organization, Country, State, Locality string
	// DNSNames are the certificate's SANs. If empty, Host only. Give other
	// names for a hostname mismatch.
	DNSNames []string
	// ClientIDs are published as TXT records "cerner-client-id=<id>", one
	// record per id, at Host's eTLD+1, next to those already there.
	ClientIDs []string
	// TXT are raw TXT records (their character-strings) added at Host's eTLD+1.
	TXT [][]string
	// Revoked revokes the certificate at the CA (OCSP and CRL say so).
	Revoked bool
	// Expired makes the certificate's validity end a day before the world's now.
	Expired bool
	// SelfSigned makes the certificate sign itself.
	SelfSigned bool
	// Untrusted issues the certificate from a CA whose root is not trusted.
	Untrusted bool
	// CDN serves a CDN's certificate for Host (O=Cloudflare, Inc.) instead
	// of the app's own; Organization and the location are ignored.
	CDN bool
	// Staple staples an OCSP response (good, or revoked if Revoked) to the handshake.
	Staple bool
	// NoRevocationInfo leaves the OCSP and CRL URLs out of the certificate,
	// so revocation is unknown.
	NoRevocationInfo bool
	// MaxVersion caps the TLS version the server speaks (tls.VersionTLS11
	// for a legacy server); zero means TLS 1.3.
	MaxVersion uint16
	// DNSFault makes TXT queries at Host's eTLD+1 answer with this rcode
	// (2 SERVFAIL, 5 REFUSED); zero answers normally.
	DNSFault int
	// TLSFault makes the TLS endpoint misbehave.
	TLSFault TLSFault
	// Handler serves the HTTP requests that reach the site (Site.SetHandler);
	// nil answers each "200 OK" with body "ok".
	Handler http.Handler
	// Faults fail a fraction of DNS queries and TLS connections, as
	// Site.SetFaults does.
	Faults Faults
}

// Faults make a site fail a fraction of what it serves, as a flaky
// nameserver or an overloaded load balancer would. Which ones fail is
// random but fixed by Seed: the n-th DNS query (or TLS connection) since
// the faults were set fails when the n-th draw of a PCG generator seeded
// by Seed falls below the fraction, so a test that sends the same
// sequence of queries and connections sees the same ones fail in every
// run. DNS and TLS draw from separate streams.
type Faults struct {
	// DNS is the fraction, from 0 to 1, of DNS queries at the site's
	// eTLD+1 (the name of its TXT records) answered SERVFAIL instead of
	// the records. Sites sharing an eTLD+1 share its DNS faults: the
	// latest set wins.
	DNS float64
	// TLS is the fraction, from 0 to 1, of connections to the site's TLS
	// server closed before the handshake, so the client's handshake fails
	// at once. A site added with a TLSFault has no TLS server to fail.
	TLS float64
	// Seed chooses which queries and connections fail.
	Seed uint64
}

// draws decides, one draw per query or connection, which ones fail.
type draws struct {
	mu     sync.Mutex
	frac   float64
	r      *rand.Rand
	failed int
}

// PCG stream selectors, so that DNS and TLS faults of one seed differ.
const (
	streamDNS = 0x646e73 // "dns"
	streamTLS = 0x746c73 // "tls"
)

func newDraws(frac float64, seed, stream uint64) *draws {
	return &draws{frac: frac, r: rand.New(rand.NewPCG(seed, stream))}
}

// fail draws once and reports whether this one fails.
func (d *draws) fail() bool {
	if d == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.r.Float64() < d.frac {
		d.failed++
		return true
	}
	return false
}

func (d *draws) count() int {
	if d == nil {
		return 0
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.failed
}

func validFraction(f float64) bool { return !math.IsNaN(f) && f >= 0 && f <= 1 }

// interceptDNS is the DNS server's intercept: SERVFAIL for the queries
// that the name's faults fail.
func (w *World) interceptDNS(name string, _ uint16) int {
	w.fmu.Lock()
	d := w.dnsFaults[name]
	w.fmu.Unlock()
	if d.fail() {
		return 2 // SERVFAIL
	}
	return 0
}

// Site is a site of the world: a TLS server for Host and the TXT records
// at its eTLD+1.
type Site struct {
	Host        string
	ETLDPlusOne string
	// URI is a redirect URI on the site: https://Host/callback.
	URI string
	// Addr is the loopback address of the site's TLS server (for a TLSDown
	// site, an address nothing listens on).
	Addr string

	w       *World
	srv     *pki.TLSServer
	hostile *pki.HostileServer

	mu         sync.Mutex
	faulted    bool // TLSDown set after start
	tlsDraw    *draws
	issuer     *pki.CA
	leaf       *pki.Leaf // nil for a faulty endpoint
	revoked    bool      // the leaf is revoked at the CA
	selfSigned bool
	staple     bool
	times      RevocationTimes
}

// RevocationTimes date the OCSP responses and CRLs about a site's
// certificate, served by the world's revocation server and stapled.
type RevocationTimes struct {
	// Age is how long before the world's now they were produced: their
	// thisUpdate is now - Age. If zero, one minute.
	Age time.Duration
	// Validity is nextUpdate - thisUpdate. If zero, 24 hours.
	Validity time.Duration
}

func (rt RevocationTimes) withDefaults() RevocationTimes {
	if rt.Age <= 0 {
		rt.Age = time.Minute
	}
	if rt.Validity <= 0 {
		rt.Validity = 24 * time.Hour
	}
	return rt
}

// AddSite adds a site to the world and starts its TLS server.
func (w *World) AddSite(opts SiteOptions) (*Site, error) {
	host := normHost(opts.Host)
	e1, err := etld.ETLDPlusOne(host)
	if err != nil {
		return nil, fmt.Errorf("appidenttest: site %q: %w", opts.Host, err)
	}
	w.mu.Lock()
	_, dup := w.sites[host]
	closed := w.closed
	w.mu.Unlock()
	if dup {
		return nil, fmt.Errorf("appidenttest: site %q added twice", host)
	}
	if closed {
		return nil, errors.New("appidenttest: world closed")
	}
	s := &Site{Host: host, ETLDPlusOne: e1, URI: "https://" + host + "/callback", w: w}
	if !validFraction(opts.Faults.DNS) || !validFraction(opts.Faults.TLS) {
		return nil, fmt.Errorf("appidenttest: site %q: fault fractions %v, %v: want each from 0 to 1", host, opts.Faults.DNS, opts.Faults.TLS)
	}
	if err := s.start(opts); err != nil {
		s.close()
		return nil, err
	}
	if opts.Faults != (Faults{}) { // a site without faults leaves its eTLD+1's DNS faults alone
		_ = s.SetFaults(opts.Faults)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		s.close()
		return nil, errors.New("appidenttest: world closed")
	}
	w.sites[host] = s
	var recs [][]string
	for _, id := range opts.ClientIDs {
		recs = append(recs, []string{"cerner-client-id=" + id})
	}
	recs = append(recs, opts.TXT...)
	if len(recs) > 0 {
		w.txt[e1] = append(w.txt[e1], recs...)
	}
	if opts.DNSFault != 0 {
		w.faults[e1] = opts.DNSFault
	}
	w.applyDNS(e1)
	return s, nil
}

func (s *Site) start(opts SiteOptions) error {
	w := s.w
	switch opts.TLSFault {
	case TLSDown:
		s.Addr = w.down
		return nil
	case TLSSilent, TLSGarbage:
		kind := pki.HostileSilent
		if opts.TLSFault == TLSGarbage {
			kind = pki.HostileGarbage
		}
		h, err := pki.StartHostile(kind)
		if err != nil {
			return fmt.Errorf("appidenttest: %w", err)
		}
		s.hostile, s.Addr = h, h.Addr()
		return nil
	}
	s.mu.Lock()
	cert, err := s.issue(opts)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	to := pki.TLSOptions{MaxVersion: opts.MaxVersion, Handler: opts.Handler}
	if opts.MaxVersion != 0 && opts.MaxVersion < tls.VersionTLS12 {
		to.MinVersion = tls.VersionTLS10
	}
	srv, err := pki.StartTLS(cert, to)
	if err != nil {
		return fmt.Errorf("appidenttest: %w", err)
	}
	s.srv, s.Addr = srv, srv.Addr()
	return nil
}

// issue issues the site's certificate as opts describes, from an issuing
// CA of its own, and returns what its server is to serve (stapled if
// opts.Staple). Called with s.mu held.
func (s *Site) issue(opts SiteOptions) (tls.Certificate, error) {
	w := s.w
	now := w.Now()
	lo := pki.LeafOptions{
		DNSNames: opts.DNSNames,
		// 90 days, as public CAs issue them: within the CA/Browser Forum
		// maximum, so reports carry no cert.validity_too_long finding.
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.AddDate(0, 0, 90),
	}
	if len(lo.DNSNames) == 0 {
		lo.DNSNames = []string{s.Host}
	}
	switch opts.Type {
	case tlsinspect.EV:
		lo.Policies = []x509.OID{pki.OIDEV}
	case tlsinspect.OV:
		lo.Policies = []x509.OID{pki.OIDOV}
	case tlsinspect.IV:
		lo.Policies = []x509.OID{pki.OIDIV}
	case tlsinspect.DV:
		lo.Policies = []x509.OID{pki.OIDDV}
	}
	org, c, st, l := opts.Organization, opts.Country, opts.State, opts.Locality
	if opts.CDN {
		org, c, st, l = "Cloudflare, Inc.", "US", "California", "San Francisco"
	}
	lo.Subject = pkix.Name{
		Organization: nonEmpty(org), Country: nonEmpty(c), Province: nonEmpty(st), Locality: nonEmpty(l),
	}
	if opts.Expired {
		lo.NotBefore, lo.NotAfter = now.AddDate(0, 0, -90), now.AddDate(0, 0, -1)
	}
	// Each site (each certificate) has an issuing CA of its own, so its CRL
	// is its own: a CRL fetched (and cached by the inspector) for one site
	// says nothing about another.
	root := w.root
	if opts.Untrusted {
		root = w.other
	}
	issuer, err := root.NewIntermediate("appidenttest CA for "+s.Host, w.caValidity())
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("appidenttest: %w", err)
	}
	rt := s.times.withDefaults()
	if err := w.rev.AddCA(issuer, pki.CAConfig{Age: rt.Age, Validity: rt.Validity}); err != nil {
		return tls.Certificate{}, fmt.Errorf("appidenttest: %w", err)
	}
	if !opts.NoRevocationInfo && !opts.SelfSigned {
		lo.OCSPServer = []string{w.rev.OCSPURL(issuer)}
		lo.CRLDistributionPoints = []string{w.rev.CRLURL(issuer, 0)}
	}
	lo.SelfSigned = opts.SelfSigned
	leaf, err := issuer.Issue(lo)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("appidenttest: %w", err)
	}
	revoked := opts.Revoked && !opts.SelfSigned
	if revoked {
		w.rev.Revoke(issuer, leaf.Cert.SerialNumber, now.Add(-time.Minute))
	}
	s.issuer, s.leaf, s.revoked, s.selfSigned = issuer, leaf, revoked, opts.SelfSigned
	s.staple = opts.Staple && !opts.SelfSigned
	return s.served()
}

// served returns the certificate to serve: the leaf, stapled with a fresh
// OCSP response dated by the site's RevocationTimes if the site staples.
// Called with s.mu held.
func (s *Site) served() (tls.Certificate, error) {
	if !s.staple {
		return s.leaf.TLSCertificate(), nil
	}
	status := pki.OCSPGood
	if s.revoked {
		status = pki.OCSPRevoked
	}
	rt := s.times.withDefaults()
	this := s.w.Now().Add(-rt.Age)
	staple, err := s.issuer.OCSPResponse(s.leaf.Cert, status, this, this.Add(rt.Validity))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("appidenttest: %w", err)
	}
	return s.leaf.StapledTLSCertificate(staple), nil
}

// errNoServer is returned by a faulty endpoint's certificate setters.
func (s *Site) errNoServer() error {
	return fmt.Errorf("appidenttest: site %q has no TLS server (added with a TLSFault)", s.Host)
}

// Certificate returns the certificate the site serves now (nil for a site
// added with a TLSFault).
func (s *Site) Certificate() *x509.Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leaf == nil {
		return nil
	}
	return s.leaf.Cert
}

// Reissue replaces the site's certificate, as a renewal or a move to
// another CA would: handshakes from now on get a new certificate, from a
// new issuing CA, described by the certificate fields of opts (Type,
// Organization, Country, State, Locality, DNSNames, Revoked, Expired,
// SelfSigned, Untrusted, CDN, Staple, NoRevocationInfo); its other fields
// are ignored. Connections already made keep the old certificate.
func (s *Site) Reissue(opts SiteOptions) error {
	if s.srv == nil {
		return s.errNoServer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cert, err := s.issue(opts)
	if err != nil {
		return err
	}
	return s.srv.SetCertificate(cert)
}

// SetStaple makes the site staple an OCSP response to its handshakes
// (true) or not (false). A staple is produced when stapling is turned on,
// at the world's now, dated by the site's RevocationTimes and saying
// revoked if the certificate is revoked then; like a real server's, it
// then ages with the world's clock until stapled again. A self-signed
// certificate has no OCSP response to staple.
func (s *Site) SetStaple(on bool) error {
	if s.srv == nil {
		return s.errNoServer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if on && s.selfSigned {
		return fmt.Errorf("appidenttest: site %q: a self-signed certificate cannot be stapled", s.Host)
	}
	s.staple = on
	cert, err := s.served()
	if err != nil {
		return err
	}
	return s.srv.SetCertificate(cert)
}

// SetRevocationTimes dates the OCSP responses and CRLs about the site's
// certificate: those the revocation server serves from now on, and, if
// the site staples, a new staple at once.
func (s *Site) SetRevocationTimes(rt RevocationTimes) error {
	if rt.Age < 0 || rt.Validity < 0 {
		return fmt.Errorf("appidenttest: site %q: negative revocation times %+v", s.Host, rt)
	}
	if s.srv == nil {
		return s.errNoServer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.times = rt
	full := rt.withDefaults()
	if err := s.w.rev.AddCA(s.issuer, pki.CAConfig{Age: full.Age, Validity: full.Validity}); err != nil {
		return fmt.Errorf("appidenttest: %w", err)
	}
	if !s.staple {
		return nil
	}
	cert, err := s.served()
	if err != nil {
		return err
	}
	return s.srv.SetCertificate(cert)
}

// SetHandler makes the site's TLS server serve requests with h, such as
// the app's OAuth callback; nil restores the default, which answers every
// request "200 OK" with body "ok". SiteOptions.Handler sets it when the
// site is added.
func (s *Site) SetHandler(h http.Handler) error {
	if s.srv == nil {
		return s.errNoServer()
	}
	s.srv.SetHandler(h)
	return nil
}

func nonEmpty(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

func (s *Site) close() {
	if s.srv != nil {
		s.srv.Close()
	}
	if s.hostile != nil {
		s.hostile.Close()
	}
}

// Handshakes returns the TLS handshakes the site's server completed.
func (s *Site) Handshakes() int {
	if s.srv == nil {
		return 0
	}
	return s.srv.Handshakes()
}

// Accepted returns the TCP connections the site's server accepted.
func (s *Site) Accepted() int {
	switch {
	case s.srv != nil:
		return s.srv.Accepted()
	case s.hostile != nil:
		return s.hostile.Accepted()
	}
	return 0
}

// Revoke revokes the site's certificate now (world time). OCSP says so at
// once; a CRL already fetched and cached by an inspector says so only once
// it is fetched again; a staple says so once stapled again (SetStaple).
func (s *Site) Revoke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leaf != nil && s.issuer != nil {
		s.w.rev.Revoke(s.issuer, s.leaf.Cert.SerialNumber, s.w.Now())
		s.revoked = true
	}
}

// SetDown makes the site refuse connections (true) or serve again (false),
// as an outage would.
func (s *Site) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faulted = down
}

// SetFaults replaces the site's faults; the zero Faults stops them. Each
// set starts the seeded draws and the counts of failures afresh. It
// returns an error if a fraction is not between 0 and 1.
func (s *Site) SetFaults(f Faults) error {
	if !validFraction(f.DNS) || !validFraction(f.TLS) {
		return fmt.Errorf("appidenttest: site %q: fault fractions %v, %v: want each from 0 to 1", s.Host, f.DNS, f.TLS)
	}
	name := s.ETLDPlusOne + "."
	s.w.fmu.Lock()
	if f.DNS > 0 {
		s.w.dnsFaults[name] = newDraws(f.DNS, f.Seed, streamDNS)
	} else {
		delete(s.w.dnsFaults, name)
	}
	s.w.fmu.Unlock()
	var d *draws
	if f.TLS > 0 {
		d = newDraws(f.TLS, f.Seed, streamTLS)
	}
	s.mu.Lock()
	s.tlsDraw = d
	s.mu.Unlock()
	if s.srv != nil {
		if d == nil {
			s.srv.SetDrop(nil)
		} else {
			s.srv.SetDrop(d.fail)
		}
	}
	return nil
}

// FailedDNSQueries returns how many DNS queries at the site's eTLD+1 its
// faults have failed since they were last set.
func (s *Site) FailedDNSQueries() int {
	s.w.fmu.Lock()
	d := s.w.dnsFaults[s.ETLDPlusOne+"."]
	s.w.fmu.Unlock()
	return d.count()
}

// FailedTLSConns returns how many connections to the site its faults have
// closed before the handshake since they were last set.
func (s *Site) FailedTLSConns() int {
	s.mu.Lock()
	d := s.tlsDraw
	s.mu.Unlock()
	return d.count()
}

func (s *Site) dialAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faulted {
		return s.w.down
	}
	return s.Addr
}

// App returns an app registered with clientID and name whose primary
// redirect URI is the site's.
func (s *Site) App(clientID, name string) appident.App {
	return appident.App{ClientID: clientID, Name: name, RedirectURIs: []string{s.URI}}
}

// Dialer returns the world's dialer: it connects host:443 of every site to
// that site's TLS server, and the world's OCSP and CRL URLs to its
// revocation server. Everything else fails as a name that does not exist
// or an unreachable address: it never leaves the world.
func (w *World) Dialer() *Dialer { return &Dialer{w: w} }

// Dialer is the world's dialer; see World.Dialer.
type Dialer struct {
	w *World
	d net.Dialer
}

// DialContext implements appident's (tlsinspect's) Dialer.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	if address == d.w.RevocationAddr() {
		return d.d.DialContext(ctx, network, address)
	}
	if s := d.w.Site(host); s != nil {
		if port != "443" {
			return d.d.DialContext(ctx, network, d.w.down)
		}
		return d.d.DialContext(ctx, network, s.dialAddr())
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("appidenttest: %s is outside the offline world", address)}
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host (appidenttest world)", Name: host, IsNotFound: true}}
}

// Client returns a new HTTP client for a test's user agent (a patient's
// browser) or an app's back end. It reaches the world's sites by name
// (https on port 443, trusting the world's root, with their faults) and
// any server on loopback (127.0.0.1, [::1] or localhost, any port), such
// as an authorization server on httptest; nothing else. It keeps cookies
// and follows redirects, as a browser does. For a loopback server on
// https, serve [World.LoopbackCertificate].
func (w *World) Client() *http.Client {
	jar, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List}) // never fails
	d := w.Dialer()
	var direct net.Dialer
	return &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: w.Roots()},
			DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
				host, _, err := net.SplitHostPort(address)
				if err == nil && w.Site(host) == nil && isLoopback(host) {
					return direct.DialContext(ctx, network, address)
				}
				return d.DialContext(ctx, network, address)
			},
			ForceAttemptHTTP2:   false,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     10 * time.Second,
		},
	}
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// LoopbackCertificate issues a certificate from the world's root for
// localhost, 127.0.0.1 and ::1, for a loopback https server that
// [World.Client] (or anything trusting [World.Roots]) should trust:
//
//	ts := httptest.NewUnstartedServer(handler)
//	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
//	ts.StartTLS()
func (w *World) LoopbackCertificate() (tls.Certificate, error) {
	now := w.Now()
	leaf, err := w.root.Issue(pki.LeafOptions{
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.AddDate(0, 0, 90),
	})
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("appidenttest: %w", err)
	}
	return leaf.TLSCertificate(), nil
}

// caValidity is the validity of the world's CAs: from a year before its now
// to ten years after.
func (w *World) caValidity() pki.CAOptions {
	now := w.Now()
	return pki.CAOptions{NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(10, 0, 0)}
}
