package appident

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
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
	// primary and is the one assessed. At least one is required.
	RedirectURIs []string
	// Validated reports that the app passed the platform's formal validation program.
	Validated bool
	// Persona is who the app serves; the requirements bind patient apps.
	Persona label.Persona
}

// Config configures a Checker. Its zero value works: the system's DNS
// servers, a guarded *net.Dialer, the system roots, the default policy and a
// 12-hour in-memory cache of 10,000 entries.
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

	// Timeout bounds one assessment, lookups included. If zero, 15 seconds.
	Timeout time.Duration
	// DNSTimeout bounds one TXT lookup. If zero, 5 seconds.
	DNSTimeout time.Duration
	// TLSTimeout bounds one TLS inspection, revocation fetches included.
	// If zero, 10 seconds.
	TLSTimeout time.Duration

	// Cache stores evidence. If nil, an in-memory LRU of CacheSize entries.
	Cache Cache
	// CacheSize bounds the default cache. If zero, 10,000 entries.
	CacheSize int
	// CacheTTL is how long evidence is used before it is looked up again.
	// If zero, 12 hours: a change to a TXT record or a certificate is
	// recognised within it. A TXT answer's DNS TTL, if shorter, shortens
	// it (down to MinTTL), and a certificate's expiry ends it. The Checker
	// keeps CRLs for up to CacheTTL/12, so TLS evidence, which may rest on
	// a CRL (the leaf's, or an intermediate's even when the leaf's status
	// is stapled), is looked up again that much sooner.
	CacheTTL time.Duration
	// MinTTL is the shortest time a successful DNS answer is cached, however
	// short its DNS TTL. If zero, 1 minute.
	MinTTL time.Duration
	// FailureTTL is how long a failed lookup is remembered before it is
	// tried again. If zero, 1 minute.
	FailureTTL time.Duration
	// MaxStale is how long past its expiry evidence may still be served
	// (with a "cache.stale" finding) while refreshing it fails
	// transiently, so that a resolver hiccup never downgrades a described
	// app. If zero, 24 hours.
	MaxStale time.Duration

	// Concurrency bounds the assessments AssessAll runs at once. If zero, 16.
	Concurrency int
	// Logger receives debug logs of lookups. If nil, nothing is logged.
	Logger *slog.Logger
}

// Defaults of Config.
const (
	DefaultTimeout     = 15 * time.Second
	DefaultDNSTimeout  = 5 * time.Second
	DefaultTLSTimeout  = 10 * time.Second
	DefaultCacheSize   = 10000
	DefaultCacheTTL    = 12 * time.Hour
	DefaultMinTTL      = time.Minute
	DefaultFailureTTL  = time.Minute
	DefaultMaxStale    = 24 * time.Hour
	DefaultConcurrency = 16
)

// Checker assesses apps. It is safe for concurrent use.
type Checker struct {
	cfg      Config
	now      func() time.Time
	policy   *label.Policy
	verifier *dnsverify.Verifier
	parser   etld.Parser
	cache    Cache
	log      *slog.Logger

	dialer      tlsinspect.Dialer // handshakes: port 443
	fetchDialer tlsinspect.Dialer // OCSP and CRL: ports 80, 443

	// crls keeps the CRLs this Checker fetched, for at most crlMaxAge:
	// never another Checker's, never older than its TLS evidence allows.
	crls      *tlsinspect.CRLCache
	crlMaxAge time.Duration

	memo     memo
	dnsGroup singleflight.Group
	tlsGroup singleflight.Group

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
		{"CacheTTL", cfg.CacheTTL}, {"MinTTL", cfg.MinTTL}, {"FailureTTL", cfg.FailureTTL}, {"MaxStale", cfg.MaxStale},
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
	setDefault(&cfg.Timeout, DefaultTimeout)
	setDefault(&cfg.DNSTimeout, DefaultDNSTimeout)
	setDefault(&cfg.TLSTimeout, DefaultTLSTimeout)
	setDefault(&cfg.CacheTTL, DefaultCacheTTL)
	setDefault(&cfg.MinTTL, DefaultMinTTL)
	setDefault(&cfg.FailureTTL, DefaultFailureTTL)
	setDefault(&cfg.MaxStale, DefaultMaxStale)
	setDefault(&cfg.CacheSize, DefaultCacheSize)
	setDefault(&cfg.Concurrency, DefaultConcurrency)

	c := &Checker{cfg: cfg, now: cfg.Now, policy: cfg.Policy, cache: cfg.Cache, log: cfg.Logger, parser: etld.Parser{Mode: cfg.PSL}}
	c.memo.max = cfg.CacheSize
	c.crlMaxAge = cfg.CacheTTL / 12
	c.crls = &tlsinspect.CRLCache{MaxAge: c.crlMaxAge}
	if c.now == nil {
		c.now = time.Now
	}
	if c.policy == nil {
		c.policy = label.DefaultPolicy()
	}
	if c.cache == nil {
		c.cache = newLRU(cfg.CacheSize, c.now)
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
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

// Assess assesses app: it finds the site of the app's primary redirect URI,
// checks the TXT record at its eTLD+1 and the certificate its host serves,
// concurrently and from the cache when it can, and decides what the patient
// sees.
//
// It returns an error only when the app cannot be assessed: ErrNoClientID,
// ErrNoRedirectURI, a *RedirectURIError for an unparseable primary redirect
// URI, or the context's error if ctx is already done. Everything else is
// evidence in the Assessment: a development target (nothing looked up), a
// failed lookup, a refused dial, a bad certificate. If ctx ends while
// evidence is being gathered, the evidence missing is reported as failed and
// the display still shows the domain.
func (c *Checker) Assess(ctx context.Context, app App) (*Assessment, error) {
	return c.assess(ctx, app, false)
}

// Refresh re-checks app now: it looks the evidence up again, bypassing its
// cached evidence, and replaces it in the cache for every app on the same
// site. Call it after a developer fixes a TXT record or a certificate.
// Its errors are those of Assess.
func (c *Checker) Refresh(ctx context.Context, app App) (*Assessment, error) {
	return c.assess(ctx, app, true)
}

func (c *Checker) assess(ctx context.Context, app App, force bool) (*Assessment, error) {
	c.stats.assessments.Add(1)
	if err := c.validate(ctx, app); err != nil {
		c.stats.errors.Add(1)
		return nil, err
	}
	now := c.now()
	key := memoKey{clientID: app.ClientID, name: app.Name, uri: app.RedirectURIs[0], validated: app.Validated, persona: app.Persona}
	var ev evidence
	var site etld.Site
	parsed := false
	if m := c.memo.get(key); m != nil && !force {
		// The app was assessed before: if its evidence is still the
		// cached one, so is the decision.
		if m.a.Site.Development != 0 {
			return m.assessment(now), nil
		}
		ev = evidence{dnsE: c.fresh(ctx, m.dnsKey, now), tlsE: c.fresh(ctx, m.tlsKey, now), looked: true}
		if ev.dnsE == m.dnsE && ev.tlsE == m.tlsE {
			if m.stale > 0 {
				c.stats.staleServes.Add(m.stale)
			}
			return m.assessment(now), nil
		}
		site, parsed = m.a.Site, true
	}
	if !parsed {
		var err error
		if site, err = c.parser.Parse(app.RedirectURIs[0]); err != nil {
			c.stats.errors.Add(1)
			return nil, &RedirectURIError{URI: app.RedirectURIs[0], Err: err}
		}
	}
	a := &Assessment{
		ClientID:    app.ClientID,
		RedirectURI: app.RedirectURIs[0],
		Site:        site,
		AssessedAt:  now,
	}
	var extra []label.Finding
	m := &memoEntry{}
	if site.Development == 0 {
		extra = c.gather(ctx, a, strings.TrimSpace(app.ClientID), now, force, &ev)
		m.dnsKey, m.tlsKey, m.dnsE, m.tlsE = ev.dnsKey, ev.tlsKey, ev.dnsE, ev.tlsE
		m.stale = uint64(ev.stale)
	}
	c.decide(a, app, extra)
	if !ev.abandoned {
		m.a = *a
		c.memo.put(key, m)
	}
	return a, nil
}

// validate checks that app can be assessed at all.
func (c *Checker) validate(ctx context.Context, app App) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("appident: %w", err)
	}
	if strings.TrimSpace(app.ClientID) == "" {
		return ErrNoClientID
	}
	if len(app.RedirectURIs) == 0 {
		return ErrNoRedirectURI
	}
	return nil
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
	if a.Site.Development != 0 && !hasFindingPrefix(d.Findings, "site.development") {
		reason := a.Site.Development.String()
		if reason == "" {
			reason = "a development target"
		}
		extra = append(extra, label.Finding{
			Code:      "site.development",
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

// errAbandoned marks evidence its caller stopped waiting for.
var errAbandoned = errors.New("appident: evidence not gathered before the assessment's context ended")
