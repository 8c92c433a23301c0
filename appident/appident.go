package appident

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/label"
	"github.com/consenttrust/appverify/tlsinspect"
	"golang.org/x/sync/singleflight"
)

// App is a registered application.
type App struct {
	// ClientID is the client identifier issued at registration. Required.
	ClientID string
	// Name is the application's registered name, shown when the app is
	// described in full.
	Name string
	// RedirectURIs are the app's registered redirect URIs; the first is
	// primary. At least one is required.
	RedirectURIs []string
	// RedirectURI is the redirect URI of this authorization request: the
	// site described is the one it lives on, the site the authorization
	// code will be sent to. It must be one of RedirectURIs (a loopback
	// redirect URI may differ in its port only, RFC 8252 §7.3), else Assess
	// fails with ErrUnregisteredRedirectURI. If empty, the primary.
	RedirectURI string
	// Validated reports that the app passed the platform's formal validation program.
	Validated bool
	// Persona is who the app serves; the requirements bind patient apps.
	Persona label.Persona
}

// Config configures a Checker. Its zero value works: the system's DNS
// servers, a guarded *net.Dialer, the system roots, the default policy, a
// 3-second consent-time budget and a 12-hour in-memory cache of 10,000
// sites.
type Config struct {
	// Resolver looks up TXT records. If nil, a dnsverify.Client with the
	// servers of the system's resolver configuration.
	Resolver dnsverify.Resolver
	// Dialer makes every TLS, OCSP and CRL connection, behind the egress
	// guard. If nil, a *net.Dialer whose Control refuses, before
	// connecting, any address the guard forbids. A *net.Dialer given here
	// is copied and guarded the same way: a refused address never sees a
	// packet. Any other Dialer can only be checked after it has connected:
	// the address it connected to is checked before a byte is sent, but
	// the TCP handshake with a refused address has already happened, and
	// open and closed ports fail differently. Where that matters, such a
	// Dialer must refuse by itself before connecting (a *net.Dialer whose
	// Control refuses, underneath), as examples/appcheck's does.
	Dialer tlsinspect.Dialer
	// AllowPrivate lifts the egress guard's address and port rules:
	// loopback, private, link-local and special-purpose addresses may be
	// dialled, on any port. For development and tests only. If false, the
	// redirect host may be dialled on port 443 only, OCSP and CRL servers on
	// 80 and 443, and only at public addresses.
	AllowPrivate bool
	// Roots are the trusted roots. If nil, the system pool, else Mozilla's
	// bundle (as tlsinspect.Inspector decides).
	Roots *x509.CertPool
	// Now returns the current time. If nil, time.Now.
	Now func() time.Time
	// Policy decides what the patient sees. If nil, label.DefaultPolicy().
	Policy *label.Policy
	// PSL selects the Public Suffix List mode. The zero value is etld.Full.
	PSL etld.Mode

	// Timeout is the consent-time budget: how long Assess waits for
	// evidence that is not cached. When it (or the context) ends first,
	// the Assessment is Pending, shown as Unknown App, and the lookups go
	// on in the background to serve the next request. If zero, 3 seconds.
	// AssessAll and Refresh wait up to 15 seconds, or Timeout if longer.
	Timeout time.Duration
	// DNSTimeout bounds one TXT lookup. If zero, 5 seconds.
	DNSTimeout time.Duration
	// TLSTimeout bounds one TLS inspection, revocation fetches included.
	// If zero, 10 seconds.
	TLSTimeout time.Duration

	// Cache, if set, is a store shared with other processes (a fleet of
	// authorization servers), consulted behind the Checker's own in-memory
	// cache. If nil, only the in-memory cache.
	Cache Cache
	// CacheSize bounds the in-memory cache, in sites (a TXT answer and a
	// TLS inspection each) and in remembered decisions (twice as many
	// apps). If zero, 10,000.
	CacheSize int
	// CacheTTL is the 12-hour promise: no display rests on evidence
	// looked up longer ago. If zero, 12 hours. Evidence is renewed in the
	// background from three quarters of its lifetime on, so a change to a
	// TXT record or a certificate is seen within it, and a transient
	// failure near its end downgrades nothing. A TXT answer's DNS TTL, if
	// shorter, shortens it (down to a minute); TLS evidence lives CacheTTL
	// from the production of the revocation status it rests on (a staple's
	// thisUpdate; CRLs, which this Checker keeps for CacheTTL/12, from
	// their fetch), and ends when the certificate expires. Past CacheTTL
	// without a successful renewal, the app is shown as Unknown App with a
	// finding ("evidence.not_renewed") that says why. A failed lookup is
	// remembered for a minute, and a failed renewal retried after one to
	// one and a quarter minutes (at random, so a fleet spreads its retries).
	CacheTTL time.Duration
	// MaxStale lets DNS evidence be served this long past CacheTTL, with a
	// "cache.stale" finding, while renewing it fails transiently. It
	// trades the 12-hour promise for availability: a TXT record removed
	// during an outage of the resolvers stays believed that much longer.
	// Set it only knowing that. TLS evidence is never served past its
	// expiry, so a site cannot prolong its own description by refusing the
	// Checker's connections. If zero, none.
	MaxStale time.Duration

	// Concurrency bounds the sites AssessAll looks up at once. If zero, 16.
	Concurrency int
	// Logger receives debug logs of lookups, a warning when the shared Cache
	// starts failing and a note when it answers again. If nil, nothing is
	// logged.
	Logger *slog.Logger
}

// Fixed lifetimes and bounds (see Config.Timeout and Config.CacheTTL).
const (
	batchTimeout = 15 * time.Second
	minTTL       = time.Minute
	failureTTL   = time.Minute
)

// Checker assesses apps. It is safe for concurrent use. Close stops its
// background work.
type Checker struct {
	cfg      Config
	now      func() time.Time
	policy   *label.Policy
	verifier *dnsverify.Verifier
	parser   etld.Parser
	log      *slog.Logger
	// sharedDown reports that the shared Cache's last call failed.
	sharedDown atomic.Bool

	dialer      tlsinspect.Dialer // handshakes: port 443
	fetchDialer tlsinspect.Dialer // OCSP and CRL: ports 80, 443

	// crls keeps the CRLs this Checker fetched, for at most crlMaxAge:
	// never another Checker's, never older than its TLS evidence allows.
	crls      *tlsinspect.CRLCache
	crlMaxAge time.Duration

	mem    *lru[string, *entry]      // evidence by key
	memo   *lru[memoKey, *memoEntry] // decisions by app
	shared Cache
	group  singleflight.Group

	// bg is the context of every lookup; Close cancels it and waits for wg.
	bg     context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup

	stats counters
}

// New returns a Checker for cfg. It fails only for an invalid Config: a
// negative duration or size.
func New(cfg Config) (*Checker, error) {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"Timeout", cfg.Timeout}, {"DNSTimeout", cfg.DNSTimeout}, {"TLSTimeout", cfg.TLSTimeout},
		{"CacheTTL", cfg.CacheTTL}, {"MaxStale", cfg.MaxStale},
	} {
		if d.v < 0 {
			return nil, fmt.Errorf("appident: Config.%s is negative (%v)", d.name, d.v)
		}
	}
	if cfg.CacheSize < 0 {
		return nil, fmt.Errorf("appident: Config.CacheSize is negative (%d)", cfg.CacheSize)
	}
	if cfg.Concurrency < 0 {
		return nil, fmt.Errorf("appident: Config.Concurrency is negative (%d)", cfg.Concurrency)
	}
	if cfg.PSL != etld.Full && cfg.PSL != etld.ICANNOnly {
		return nil, fmt.Errorf("appident: Config.PSL is not a known mode (%d)", cfg.PSL)
	}
	setDefault(&cfg.Timeout, 3*time.Second)
	setDefault(&cfg.DNSTimeout, 5*time.Second)
	setDefault(&cfg.TLSTimeout, 10*time.Second)
	setDefault(&cfg.CacheTTL, 12*time.Hour)
	setDefault(&cfg.CacheSize, 10000)
	setDefault(&cfg.Concurrency, 16)

	c := &Checker{cfg: cfg, now: cfg.Now, policy: cfg.Policy, shared: cfg.Cache, log: cfg.Logger, parser: etld.Parser{Mode: cfg.PSL}}
	c.mem = newLRU[string, *entry](2 * cfg.CacheSize)
	c.memo = newLRU[memoKey, *memoEntry](2 * cfg.CacheSize)
	c.crlMaxAge = cfg.CacheTTL / 12
	c.crls = &tlsinspect.CRLCache{MaxAge: c.crlMaxAge}
	c.bg, c.cancel = context.WithCancel(context.Background())
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.policy == nil {
		c.policy = label.DefaultPolicy()
	}
	resolver := cfg.Resolver
	if resolver == nil {
		resolver = &dnsverify.Client{}
	}
	c.verifier = &dnsverify.Verifier{Resolver: resolver}
	c.dialer = guarded(cfg.Dialer, cfg.AllowPrivate, handshakePorts)
	c.fetchDialer = guarded(cfg.Dialer, cfg.AllowPrivate, fetchPorts)
	return c, nil
}

func setDefault[T comparable](p *T, def T) {
	var zero T
	if *p == zero {
		*p = def
	}
}

// Close stops the Checker's background work (renewals, lookups that
// outlived their assessment) and waits for it to end. Assess after Close
// fails with ErrClosed. Close always returns nil; calling it again does
// nothing.
func (c *Checker) Close() error {
	c.mu.Lock()
	already := c.closed
	c.closed = true
	c.mu.Unlock()
	if !already {
		c.cancel()
	}
	c.wg.Wait()
	return nil
}

// begin registers a lookup with Close; false once closed.
func (c *Checker) begin() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.wg.Add(1)
	return true
}

func (c *Checker) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Assess assesses app at consent time: it finds the site of the request's
// redirect URI (App.RedirectURI, else the primary), checks the TXT record
// at its eTLD+1 and the certificate its host serves, concurrently and from
// the cache when it can, and decides what the patient sees.
//
// It waits for evidence at most Config.Timeout or until ctx ends; then the
// Assessment is Pending: fail-closed (Unknown App, domain only), while the
// lookups finish in the background for the next request.
//
// It returns an error when the app cannot be assessed: ErrNoClientID,
// ErrUnregisteredRedirectURI, ErrNoRedirectURI, an unparseable redirect URI
// (etld's error, wrapped: errors.As reaches its *etld.Error), or
// ErrClosed. Where the redirect URI still
// names a site, the error comes with a fail-closed Assessment showing its
// domain as Unknown App. Everything else is evidence in the Assessment: a
// development target (nothing looked up), a failed lookup, a refused dial,
// a bad certificate.
func (c *Checker) Assess(ctx context.Context, app App) (*Assessment, error) {
	return c.assess(ctx, app, c.cfg.Timeout, false)
}

// Refresh re-checks app now: it looks the evidence up again, bypassing
// the cache, and replaces it for every app on the same site. Call it after
// a developer fixes a TXT record or a certificate. When a lookup fails,
// the Assessment says so (a "refresh.failed" finding) and shows the
// evidence obtained before, with its date, or the failure. It waits up to
// 15 seconds (or Config.Timeout if longer). Its errors are those of Assess.
func (c *Checker) Refresh(ctx context.Context, app App) (*Assessment, error) {
	return c.assess(ctx, app, c.batchTimeout(), true)
}

// requested returns the redirect URI of this request.
func (app *App) requested() (string, error) {
	if len(app.RedirectURIs) == 0 {
		return "", ErrNoRedirectURI
	}
	if app.RedirectURI == "" {
		return app.RedirectURIs[0], nil
	}
	for _, r := range app.RedirectURIs {
		if r == app.RedirectURI || loopbackMatch(r, app.RedirectURI) {
			return app.RedirectURI, nil
		}
	}
	return app.RedirectURI, ErrUnregisteredRedirectURI
}

// loopbackMatch reports whether got is registered as a loopback redirect
// URI whose port may vary (RFC 8252 §7.3): http, an IP literal on
// loopback, the same in everything but the port.
func loopbackMatch(registered, got string) bool {
	r, err1 := url.Parse(registered)
	g, err2 := url.Parse(got)
	if err1 != nil || err2 != nil || r.Scheme != "http" || g.Scheme != "http" {
		return false
	}
	ip, err := netip.ParseAddr(r.Hostname())
	if err != nil || !ip.IsLoopback() || r.Hostname() != g.Hostname() || r.User != nil || g.User != nil {
		return false
	}
	return r.EscapedPath() == g.EscapedPath() && r.RawQuery == g.RawQuery && r.Fragment == g.Fragment
}

func (c *Checker) assess(ctx context.Context, app App, budget time.Duration, force bool) (*Assessment, error) {
	c.stats.assessments.Add(1)
	now := c.now()
	uri, uriErr := app.requested()
	clientID := strings.TrimSpace(app.ClientID)
	var key memoKey
	if uriErr == nil && clientID != "" && !force && !c.isClosed() {
		key = memoKey{clientID: app.ClientID, name: app.Name, uri: uri, registered: strings.Join(app.RedirectURIs, "\n"),
			validated: app.Validated, persona: app.Persona}
		if m, ok := c.memo.get(key); ok {
			if a := c.fromMemo(m, now); a != nil {
				return a, nil
			}
		}
	}
	if errors.Is(uriErr, ErrNoRedirectURI) {
		c.stats.errors.Add(1)
		return nil, uriErr
	}
	site, err := c.parser.Parse(uri)
	if err != nil {
		c.stats.errors.Add(1)
		return nil, fmt.Errorf("appident: redirect URI %q: %w", uri, err)
	}
	a := &Assessment{ClientID: app.ClientID, RedirectURI: uri, Site: site, assessedAt: now}
	switch {
	case uriErr != nil:
		err = uriErr
	case clientID == "":
		err = ErrNoClientID
	case c.isClosed():
		err = ErrClosed
	}
	if err != nil {
		c.stats.errors.Add(1)
		c.refuse(a, err)
		return a, err
	}
	extra := c.siteFindings(app, site)
	var m *memoEntry
	if site.Development == 0 {
		var fs []label.Finding
		fs, m = c.gather(ctx, a, clientID, now, budget, force)
		extra = append(extra, fs...)
	} else {
		m = &memoEntry{}
	}
	c.decide(a, app, extra)
	if a.Pending {
		c.stats.pending.Add(1)
	}
	if m != nil && key.uri != "" {
		m.a = *a
		c.memo.put(key, m)
	}
	return a, nil
}

// refuse completes a as the fail-closed assessment of an app that could
// not be assessed because of err: its domain as Unknown App.
func (c *Checker) refuse(a *Assessment, err error) {
	a.Display = failClosed(label.Display{}, false, a.Site)
	a.Findings = []label.Finding{{
		Code: code.AppNotAssessed, Severity: label.Must, Withholds: true,
		Message: fmt.Sprintf("The app could not be assessed (%v): only its domain is shown, as Unknown App.", err),
	}}
}

// siteFindings says when the app's registered redirect URIs live on more
// than one site: the description speaks for one of them only.
func (c *Checker) siteFindings(app App, site etld.Site) []label.Finding {
	if len(app.RedirectURIs) < 2 {
		return nil
	}
	var sites []string
	for _, r := range app.RedirectURIs {
		s, err := c.parser.Parse(r)
		if err != nil || s.ETLDPlusOne == "" || slices.Contains(sites, s.ETLDPlusOne) {
			continue
		}
		sites = append(sites, s.ETLDPlusOne)
	}
	if len(sites) < 2 {
		return nil
	}
	return []label.Finding{{
		Code: code.RedirectMultipleSites, Severity: label.Should, Requirement: "R6",
		Message: fmt.Sprintf("The app's registered redirect URIs live on %d sites (%s): what is shown speaks for %s only, the site this request's code goes to. Register redirect URIs on one site.",
			len(sites), strings.Join(sites, ", "), site.ETLDPlusOne),
	}}
}

// decide applies the policy to the evidence in a and completes it.
func (c *Checker) decide(a *Assessment, app App, extra []label.Finding) {
	ev := label.Evidence{
		Site:      a.Site,
		DNS:       a.DNS,
		TLS:       a.TLS,
		TLSErr:    a.TLSErr,
		ClientID:  strings.TrimSpace(app.ClientID),
		AppName:   app.Name,
		Validated: app.Validated,
		Persona:   app.Persona,
	}
	d := c.policy.Decide(ev)
	if a.Site.Development != 0 && !hasFindingPrefix(d.Findings, code.SiteDevelopment) {
		reason := a.Site.Development.String()
		if reason == "" {
			reason = "a development target"
		}
		extra = append(extra, label.Finding{
			Code:      code.SiteDevelopment,
			Severity:  label.Info,
			Message:   fmt.Sprintf("The redirect URI is a development target (%s): it cannot be assessed, so only its domain is shown, as Unknown App.", reason),
			Withholds: true,
		})
		d.Described = false
	}
	for i, f := range extra {
		// appident's own findings follow the persona as the policy's do.
		extra[i].Severity = label.ForPersona(f.Severity, f.Requirement, app.Persona)
		if f.Withholds {
			d.Described = false
		}
	}
	d.Display = failClosed(d.Display, d.Described, a.Site)
	a.Display = d.Display
	a.Described = d.Described
	a.Requirements = d.Requirements
	a.Findings = make([]label.Finding, 0, len(d.Findings)+len(extra))
	a.Findings = append(a.Findings, d.Findings...)
	a.Findings = append(a.Findings, extra...)
	if len(extra) > 0 {
		slices.SortStableFunc(a.Findings, func(x, y label.Finding) int { return int(y.Severity) - int(x.Severity) })
	}
}

// failClosed makes sure an app that is not described shows only its domain,
// with the Unknown App label, whatever the policy said.
func failClosed(d label.Display, described bool, site etld.Site) label.Display {
	if d.Domain == "" {
		d.Domain = site.DisplayDomain
		if d.Domain == "" {
			d.Domain = site.Host
		}
	}
	if d.Labels == nil {
		d.Labels = []string{}
	}
	if described {
		return d
	}
	d.AppName, d.Organization, d.Location = "", "", ""
	if d.Notice.Key == "" || d.Notice.Key == label.NoticeDescribed {
		d.Notice = label.NewNotice(label.NoticeUnknownApp)
	}
	for _, l := range d.Labels {
		if l == label.UnknownApp {
			return d
		}
	}
	labels := make([]string, 0, len(d.Labels)+1)
	labels = append(labels, label.UnknownApp)
	d.Labels = append(labels, d.Labels...)
	return d
}

func hasFindingPrefix(fs []label.Finding, prefix string) bool {
	for _, f := range fs {
		if strings.HasPrefix(f.Code, prefix) {
			return true
		}
	}
	return false
}

// batchTimeout is the budget of AssessAll's and Refresh's assessments.
func (c *Checker) batchTimeout() time.Duration { return max(batchTimeout, c.cfg.Timeout) }
