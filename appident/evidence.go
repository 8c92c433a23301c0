package appident

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/label"
	"github.com/consenttrust/appverify/tlsinspect"
	"golang.org/x/sync/singleflight"
)

// evidence is the cache entries an assessment rests on.
type evidence struct {
	dnsKey, tlsKey string
	dnsE, tlsE     *Entry
	// looked reports that the cache was already read for dnsE and tlsE.
	looked bool
	// abandoned reports evidence the caller stopped waiting for; stale
	// counts the entries served stale.
	abandoned bool
	stale     int
}

// gather fills a's DNS and TLS evidence, from the cache when it is fresh and
// by coalesced lookups otherwise, and returns the findings of appident's own
// (stale evidence, refused dials). It records the entries used in ev.
func (c *Checker) gather(ctx context.Context, a *Assessment, clientID string, now time.Time, force bool, ev *evidence) []label.Finding {
	name := a.Site.ETLDPlusOne
	hostport := net.JoinHostPort(a.Site.Host, strconv.Itoa(a.Site.Port))
	dnsKey, tlsKey := "dns:"+name, "tls:"+hostport
	ev.dnsKey, ev.tlsKey = dnsKey, tlsKey

	dnsE, tlsE := ev.dnsE, ev.tlsE
	if !force && !ev.looked {
		dnsE = c.fresh(ctx, dnsKey, now)
		tlsE = c.fresh(ctx, tlsKey, now)
	}
	var dnsCh, tlsCh <-chan singleflight.Result
	// Shared is true for every caller of a shared flight, its starter's
	// too: only the callers whose function did not run joined another's.
	var dnsStarted, tlsStarted bool
	if dnsE == nil {
		if force {
			c.dnsGroup.Forget(dnsKey)
		}
		dnsCh = c.dnsGroup.DoChan(dnsKey, func() (any, error) {
			dnsStarted = true
			return c.lookupDNS(ctx, dnsKey, name, force), nil
		})
	}
	if tlsE == nil {
		if force {
			c.tlsGroup.Forget(tlsKey)
		}
		host, port := a.Site.Host, a.Site.Port
		tlsCh = c.tlsGroup.DoChan(tlsKey, func() (any, error) {
			tlsStarted = true
			return c.inspectTLS(ctx, tlsKey, host, port, force), nil
		})
	}
	if dnsCh != nil || tlsCh != nil {
		wctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
	wait:
		for dnsCh != nil || tlsCh != nil {
			select {
			case r := <-dnsCh:
				dnsE, dnsCh = r.Val.(*Entry), nil
				c.countShared(r.Shared && !dnsStarted)
			case r := <-tlsCh:
				tlsE, tlsCh = r.Val.(*Entry), nil
				c.countShared(r.Shared && !tlsStarted)
			case <-wctx.Done():
				break wait
			}
		}
		if dnsE == nil {
			ev.abandoned = true
			err := fmt.Errorf("%w: %w", errAbandoned, wctx.Err())
			dnsE = &Entry{DNS: &DNSEvidence{Status: dnsverify.StatusError, Name: name, Found: []string{}, Error: err.Error(), err: err}}
		}
		if tlsE == nil {
			ev.abandoned = true
			err := fmt.Errorf("%w: %w", errAbandoned, wctx.Err())
			tlsE = &Entry{TLS: &TLSEvidence{Error: err.Error(), err: err}}
		}
	}

	a.DNS = dnsE.DNS.result(clientID)
	a.TLS = tlsE.TLS.Report
	a.TLSErr = tlsE.TLS.error()
	a.dnsObtained, a.tlsObtained = dnsE.Obtained, tlsE.Obtained
	ev.dnsE, ev.tlsE = dnsE, tlsE

	var fs []label.Finding
	if dnsE.Stale {
		ev.stale++
		c.stats.staleServes.Add(1)
		fs = append(fs, staleFinding("DNS TXT evidence for "+name, dnsE))
	}
	if tlsE.Stale {
		ev.stale++
		c.stats.staleServes.Add(1)
		fs = append(fs, staleFinding("TLS evidence for "+hostport, tlsE))
	}
	for _, r := range tlsE.TLS.Refused {
		f := label.Finding{Code: "egress.refused", Severity: label.Should, Requirement: "R3"} // R3–R5 could not be assessed
		if r.Fetch {
			f.Severity, f.Requirement = label.Info, "R4"
			f.Message = fmt.Sprintf("A revocation (OCSP or CRL) fetch to %s was refused: %s. Publish revocation information on a public address, port 80 or 443.", r.Address, r.Reason)
		} else {
			f.Message = fmt.Sprintf("The connection to the redirect host at %s was refused: %s. A redirect host must resolve to a public address and serve HTTPS on port 443.", r.Address, r.Reason)
		}
		fs = append(fs, f)
	}
	return fs
}

func staleFinding(what string, e *Entry) label.Finding {
	return label.Finding{
		Code:     "cache.stale",
		Severity: label.Info,
		Message: fmt.Sprintf("The %s dates from %s: refreshing it failed transiently, so the earlier evidence is used until %s.",
			what, e.Obtained.UTC().Format(time.RFC3339), e.StaleUntil.UTC().Format(time.RFC3339)),
	}
}

func (c *Checker) countShared(shared bool) {
	if shared {
		c.stats.coalesced.Add(1)
	}
}

// fresh returns the cached entry under key if it may be used at now.
func (c *Checker) fresh(ctx context.Context, key string, now time.Time) *Entry {
	e, ok := c.cache.Get(ctx, key)
	if ok && e.usable(key) && now.Before(e.Expires) {
		c.stats.cacheHits.Add(1)
		return e
	}
	c.stats.cacheMisses.Add(1)
	return nil
}

// flightContext is the context of a coalesced lookup: the values of the
// caller that started it, none of its cancellation, and a deadline of its own,
// so that one caller giving up never fails the others.
func flightContext(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(parent), d)
}

// lookupDNS looks up the TXT records at name and stores the evidence.
func (c *Checker) lookupDNS(parent context.Context, key, name string, force bool) *Entry {
	// The flight outlives the caller that started it: so do its cache
	// reads and writes.
	parent = context.WithoutCancel(parent)
	old, hadOld := c.cache.Get(parent, key)
	hadOld = hadOld && old.usable(key)
	if hadOld && !force && c.now().Before(old.Expires) {
		return old // another flight refreshed it meanwhile
	}
	started := c.now()
	ctx, cancel := flightContext(parent, c.cfg.DNSTimeout)
	defer cancel()
	c.stats.dnsLookups.Add(1)
	r := c.verifier.Verify(ctx, name, "")
	now := c.now()
	ev := &DNSEvidence{
		Status: r.Status, Name: name, Found: r.Found, TTL: r.TTL,
		Authenticated: r.Authenticated, Server: r.Server,
	}
	if ev.Found == nil {
		ev.Found = []string{}
	}
	e := &Entry{Obtained: now, DNS: ev}
	if r.Status == dnsverify.StatusError {
		err := r.Err
		if err == nil {
			err = errors.New("appident: DNS lookup failed")
		}
		ev.err, ev.Error, ev.Temporary = err, err.Error(), dnsverify.IsTemporary(err)
		c.log.Debug("appident: DNS lookup failed", "name", name, "err", err, "temporary", ev.Temporary)
		if s := c.staleFrom(old, hadOld, ev.Temporary, now); s != nil {
			return c.store(parent, key, s, started)
		}
		e.Expires = now.Add(c.cfg.FailureTTL)
	} else {
		if r.Status == dnsverify.StatusNotFound && r.Err != nil {
			ev.err, ev.Error = r.Err, r.Err.Error()
		}
		// Independent of any client id: "records with ids exist" or not.
		if len(ev.Found) > 0 {
			ev.Status = dnsverify.StatusMismatch
		} else {
			ev.Status = dnsverify.StatusNotFound
		}
		ttl := c.cfg.CacheTTL
		if r.TTL > 0 && r.TTL < ttl {
			ttl = max(r.TTL, c.cfg.MinTTL)
		}
		e.Expires = now.Add(ttl)
		e.StaleUntil = e.Expires.Add(c.cfg.MaxStale)
		c.log.Debug("appident: DNS lookup", "name", name, "ids", len(ev.Found), "ttl", ttl)
	}
	return c.store(parent, key, e, started)
}

// store writes e, the outcome of a flight that started at started, under key
// and returns it; but if a later flight (a Refresh running beside this one)
// has stored evidence obtained after this flight started, that newer
// evidence is kept and returned instead, so a slow, older flight can never
// overwrite a fresher answer with its failure or stale copy.
func (c *Checker) store(ctx context.Context, key string, e *Entry, started time.Time) *Entry {
	if cur, ok := c.cache.Get(ctx, key); ok && cur.usable(key) && cur.Obtained.After(started) {
		return cur
	}
	c.cache.Set(ctx, key, e)
	return e
}

// staleFrom returns old marked stale, to be served while a refresh fails
// transiently, or nil if it may not be.
func (c *Checker) staleFrom(old *Entry, hadOld, temporary bool, now time.Time) *Entry {
	if !temporary || !hadOld || old.failed() || !now.Before(old.StaleUntil) {
		return nil
	}
	s := *old
	s.Stale = true
	s.Expires = now.Add(c.cfg.FailureTTL)
	if s.Expires.After(s.StaleUntil) {
		s.Expires = s.StaleUntil
	}
	return &s
}

// inspectTLS inspects host:port and stores the evidence.
func (c *Checker) inspectTLS(parent context.Context, key, host string, port int, force bool) *Entry {
	// The flight outlives the caller that started it: so do its cache
	// reads and writes.
	parent = context.WithoutCancel(parent)
	old, hadOld := c.cache.Get(parent, key)
	hadOld = hadOld && old.usable(key)
	if hadOld && !force && c.now().Before(old.Expires) {
		return old
	}
	started := c.now()
	ctx, cancel := flightContext(parent, c.cfg.TLSTimeout)
	defer cancel()
	c.stats.handshakes.Add(1)
	rec := &recorder{stats: &c.stats}
	crls := c.crls
	if force {
		// A Refresh looks again now, revocation information included.
		crls = &tlsinspect.CRLCache{MaxAge: c.crlMaxAge}
	}
	in := &tlsinspect.Inspector{
		CRLCache:    crls,
		Dialer:      recordingDialer{d: c.dialer, rec: rec},
		FetchDialer: recordingDialer{d: c.fetchDialer, rec: rec, fetch: true},
		Roots:       c.cfg.Roots,
		Now:         c.now,
		Timeout:     c.cfg.TLSTimeout,
	}
	rep, err := in.Inspect(ctx, host, port)
	now := c.now()
	ev := &TLSEvidence{Report: rep, Refused: rec.refusals()}
	e := &Entry{Obtained: now, TLS: ev}
	if err != nil {
		ev.err, ev.Error, ev.Temporary = err, err.Error(), tlsTemporary(err)
		c.log.Debug("appident: TLS inspection failed", "host", host, "port", port, "err", err, "temporary", ev.Temporary)
	}
	if !ev.ok() {
		if s := c.staleFrom(old, hadOld, ev.Temporary, now); s != nil {
			return c.store(parent, key, s, started)
		}
		e.Expires = now.Add(c.cfg.FailureTTL)
	} else {
		// A CRL consulted for this evidence (the leaf's, or an
		// intermediate's, which tlsinspect checks even when the leaf's
		// status came from a staple) may have been cached for up to
		// crlMaxAge: the evidence expires that much sooner, so that a
		// revocation is still seen within CacheTTL.
		ttl := c.cfg.CacheTTL - c.crlMaxAge
		e.Expires = now.Add(ttl)
		if na := rep.NotAfter; !na.IsZero() && na.After(now) && na.Before(e.Expires) {
			e.Expires = na.Add(time.Second) // look again once the certificate has expired
		}
		e.StaleUntil = e.Expires.Add(c.cfg.MaxStale)
		if rep.NotAfter.After(now) && rep.NotAfter.Before(e.StaleUntil) {
			e.StaleUntil = rep.NotAfter // never serve a certificate as valid past its expiry
		}
	}
	return c.store(parent, key, e, started)
}

// result is the DNS verification of clientID against the evidence.
func (ev *DNSEvidence) result(clientID string) *dnsverify.Result {
	r := &dnsverify.Result{
		Status: ev.Status, Name: ev.Name, Want: clientID, Found: ev.Found, TTL: ev.TTL,
		Authenticated: ev.Authenticated, Server: ev.Server, Err: ev.error(),
	}
	if r.Found == nil {
		r.Found = []string{}
	}
	if ev.Status == dnsverify.StatusMismatch && slices.Contains(ev.Found, clientID) {
		r.Status = dnsverify.StatusVerified
	}
	return r
}

func (ev *DNSEvidence) error() error {
	if ev.err != nil {
		return ev.err
	}
	if ev.Error != "" {
		return &cachedError{msg: ev.Error, temporary: ev.Temporary}
	}
	return nil
}

func (ev *TLSEvidence) error() error {
	if ev.err != nil {
		return ev.err
	}
	if ev.Error != "" {
		refused := false
		for _, r := range ev.Refused {
			refused = refused || !r.Fetch
		}
		return &cachedError{msg: ev.Error, refused: refused, temporary: ev.Temporary}
	}
	if ev.Report == nil {
		return errNoTLSEvidence
	}
	return nil
}

var errNoTLSEvidence = errors.New("appident: no TLS evidence")

// tlsTemporary reports whether an inspection's error is transient: a
// timeout, a refused, closed or reset connection, a temporary failure to
// resolve the host. A server that does not speak TLS (or only legacy
// versions), sends too much or no certificate, and a refusal by the egress
// guard are lasting.
func tlsTemporary(err error) bool {
	switch {
	case err == nil, errors.Is(err, ErrRefused),
		errors.Is(err, tlsinspect.ErrNotTLS), errors.Is(err, tlsinspect.ErrLegacyTLSOnly),
		errors.Is(err, tlsinspect.ErrTooLarge), errors.Is(err, tlsinspect.ErrNoCertificate),
		errors.Is(err, tlsinspect.ErrInvalidTarget):
		return false
	case errors.Is(err, tlsinspect.ErrTimeout), errors.Is(err, tlsinspect.ErrRefused), errors.Is(err, tlsinspect.ErrClosed):
		return true
	}
	return isTemporary(err)
}

// isTemporary reports whether err is a transient failure, worth serving
// stale evidence over: a timeout, a refused or reset connection, a
// temporary failure to resolve the host. A refusal by the egress guard, a
// host that no longer resolves, a server that does not speak TLS are not.
func isTemporary(err error) bool {
	if err == nil || errors.Is(err, ErrRefused) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) {
		return true
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		// The redirect host's name: gone is an answer, a timeout is not.
		return de.IsTimeout || de.IsTemporary
	}
	var t interface{ Temporary() bool }
	if errors.As(err, &t) && t.Temporary() {
		return true
	}
	var to interface{ Timeout() bool }
	if errors.As(err, &to) && to.Timeout() {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// recorder notes the refusals and fetches of one inspection.
type recorder struct {
	stats *counters
	mu    sync.Mutex
	list  []Refusal
}

func (r *recorder) refusals() []Refusal {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.list)
}

type recordingDialer struct {
	d     tlsinspect.Dialer
	rec   *recorder
	fetch bool
}

func (d recordingDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	conn, err := d.d.DialContext(ctx, network, address)
	var re *RefusedError
	if errors.As(err, &re) {
		d.rec.stats.refusals.Add(1)
		addr := re.Raw
		if re.Address.IsValid() {
			addr = re.Address.String()
		}
		d.rec.mu.Lock()
		d.rec.list = append(d.rec.list, Refusal{Address: addr, Reason: refusalReason(re), Fetch: d.fetch})
		d.rec.mu.Unlock()
	}
	if err == nil && d.fetch {
		d.rec.stats.revocationFetches.Add(1)
	}
	return conn, err
}

// refusalReason is why re was refused, without the address.
func refusalReason(re *RefusedError) string {
	msg := strings.TrimPrefix(re.Error(), "egress: refused ")
	if _, after, ok := strings.Cut(msg, ": "); ok {
		return after
	}
	return msg
}
