package appident

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/tlsinspect"
)

// entry is the evidence under one key: the TXT records at a name (dns), or
// the TLS inspection of a host:port (tls), with its lifetime. Entries are
// immutable once stored, so that an unchanged pointer means unchanged
// evidence.
//
// The lifecycle (the 12-hour promise): evidence obtained at T and valid
// until E is served until E; from refreshAt (T + 3/4 of its lifetime) on,
// each assessment that reads it starts a background renewal unless one
// failed less than FailureTTL (with jitter) ago (retryAt). A renewal that
// fails transiently keeps the evidence until E; one that fails otherwise,
// or any failure once E has passed, replaces it: past E, evidence is never
// served, but DNS evidence for Config.MaxStale more when it is set.
type entry struct {
	obtained  time.Time
	refreshAt time.Time
	expires   time.Time
	retryAt   time.Time

	dns *dnsEvidence
	tls *tlsEvidence

	// failed reports a lookup that failed; err says why, temporary whether
	// asking again later may cure it.
	failed    bool
	err       error
	temporary bool
	// lost is when the evidence a failure replaced had been obtained (zero
	// when there was none): the evidence could not be renewed.
	lost time.Time
	// renewErr is why the last renewal of this (still served) evidence
	// failed, at renewedAt.
	renewErr  error
	renewedAt time.Time
}

// dnsEvidence is what one lookup of a name's TXT records says, independent
// of any client id: each app's id is matched against records.
type dnsEvidence struct {
	name          string
	records       [][]string // only those carrying client ids
	ttl           time.Duration
	authenticated bool
	server        string
	notFound      error // NXDOMAIN or NODATA: an answer, not a failure
}

// tlsEvidence is what one inspection of a host:port says.
type tlsEvidence struct {
	report  *tlsinspect.Report // partial or nil when failed
	refused []refusal
}

// refusal is one connection the egress guard refused.
type refusal struct {
	Address string `json:"address"`
	Reason  string `json:"reason"`
	Fetch   bool   `json:"fetch,omitempty"` // an OCSP or CRL fetch, not the handshake
}

// evKey names the evidence of one kind for one site.
type evKey struct {
	key  string // "dns:"+name or "tls:"+host:port
	name string // dns
	host string // tls
	port int
	tls  bool
}

func dnsKey(name string) evKey { return evKey{key: "dns:" + name, name: name} }

func tlsKey(host string, port int) evKey {
	return evKey{key: "tls:" + net.JoinHostPort(host, strconv.Itoa(port)), host: host, port: port, tls: true}
}

func (k evKey) what() string {
	if k.tls {
		return "TLS evidence for " + strings.TrimPrefix(k.key, "tls:")
	}
	return "DNS TXT evidence for " + k.name
}

// dnsResult is the DNS verification of clientID against e.
func (e *entry) dnsResult(clientID string) *dnsverify.Result {
	d := e.dns
	r := &dnsverify.Result{Name: d.name, Want: clientID, Found: []string{}, TTL: d.ttl, Authenticated: d.authenticated, Server: d.server}
	switch {
	case e.failed:
		r.Status, r.Err = dnsverify.StatusError, e.err
	case d.notFound != nil:
		r.Status, r.Err = dnsverify.StatusNotFound, d.notFound
	default:
		r.Status, r.Found = dnsverify.Match(d.records, clientID)
	}
	return r
}

// tlsResult is the report and error an assessment shows for e.
func (e *entry) tlsResult() (*tlsinspect.Report, error) {
	if e.failed {
		return e.tls.report, e.err
	}
	return e.tls.report, nil
}

// jitter spreads retries of failed lookups over [d, 1.25d).
func jitter(d time.Duration) time.Duration {
	return d + rand.N(d/4+1)
}

// success sets e's lifetime: obtained at now, valid until expires.
func (c *Checker) success(e *entry, now, expires time.Time) *entry {
	e.obtained, e.expires = now, expires
	e.refreshAt = now.Add(expires.Sub(now) * 3 / 4)
	e.retryAt = e.refreshAt
	return e
}

// failure marks e as failed at now with err.
func (c *Checker) failure(e *entry, now time.Time, err error, temporary bool) *entry {
	e.obtained = now
	e.failed, e.err, e.temporary = true, err, temporary
	e.retryAt = now.Add(jitter(failureTTL))
	e.expires, e.refreshAt = e.retryAt, e.retryAt
	return e
}

// lookupDNS looks up the TXT records at k.name.
func (c *Checker) lookupDNS(ctx context.Context, k evKey) *entry {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.DNSTimeout)
	defer cancel()
	c.stats.dnsLookups.Add(1)
	ans, err := c.verifier.Lookup(ctx, k.name)
	now := c.now()
	e := &entry{dns: &dnsEvidence{name: k.name}}
	switch {
	case err == nil:
		d := e.dns
		d.ttl, d.authenticated, d.server = ans.TTL, ans.Authenticated, ans.Server
		for _, r := range ans.Records {
			if len(dnsverify.ClientIDs(r)) > 0 {
				d.records = append(d.records, slices.Clone(r))
			}
		}
		ttl := c.cfg.CacheTTL
		if ans.TTL > 0 && ans.TTL < ttl {
			ttl = max(ans.TTL, minTTL)
		}
		c.log.Debug("appident: DNS lookup", "name", k.name, "records", len(d.records), "ttl", ttl)
		return c.success(e, now, now.Add(ttl))
	case dnsverify.IsNotFound(err):
		e.dns.notFound = err
		return c.success(e, now, now.Add(c.cfg.CacheTTL))
	default:
		temp := dnsverify.IsTemporary(err)
		c.log.Debug("appident: DNS lookup failed", "name", k.name, "err", err, "temporary", temp)
		return c.failure(e, now, err, temp)
	}
}

// inspectTLS inspects k's host:port. A forced inspection (Refresh) fetches
// revocation information anew.
func (c *Checker) inspectTLS(ctx context.Context, k evKey, force bool) *entry {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.TLSTimeout)
	defer cancel()
	c.stats.handshakes.Add(1)
	rec := &recorder{stats: &c.stats}
	crls := c.crls
	if force {
		crls = &tlsinspect.CRLCache{MaxAge: c.crlMaxAge}
	}
	in := &tlsinspect.Inspector{
		CRLCache:    crls,
		Dialer:      recordingDialer{d: c.dialer, rec: rec},
		FetchDialer: recordingDialer{d: c.fetchDialer, rec: rec, fetch: true},
		Roots:       c.cfg.Roots,
		Now:         c.now,
		Timeout:     c.cfg.TLSTimeout,
		// A staple counts only if the CA produced it within CacheTTL.
		MaxStapleAge: c.cfg.CacheTTL,
	}
	rep, err := in.Inspect(ctx, k.host, k.port)
	now := c.now()
	e := &entry{tls: &tlsEvidence{report: compact(rep), refused: rec.refusals()}}
	if err != nil || rep == nil {
		if err == nil {
			err = errNoTLSEvidence
		}
		temp := tlsTemporary(err)
		c.log.Debug("appident: TLS inspection failed", "host", k.host, "port", k.port, "err", err, "temporary", temp)
		return c.failure(e, now, err, temp)
	}
	return c.success(e, now, c.tlsExpiry(rep, now))
}

// tlsExpiry is when TLS evidence inspected at now expires: CacheTTL after
// the oldest revocation information it rests on (Report.RevocationAt: a
// staple's or an OCSP response's thisUpdate, a CRL's fetch time, the
// earliest of the intermediates' CRLs too), or after now when the status is
// unknown. It ends one second after the certificate expires, so the expiry
// is seen.
func (c *Checker) tlsExpiry(rep *tlsinspect.Report, now time.Time) time.Time {
	base := now
	if at := rep.RevocationAt; !at.IsZero() && at.Before(base) {
		base = at
	}
	exp := base.Add(c.cfg.CacheTTL)
	if na := rep.NotAfter; na.After(now) && na.Before(exp) {
		exp = na.Add(time.Second)
	}
	return exp
}

// compact keeps of rep what decisions and reports need: not the parsed
// leaf, and of the chain only the leaf's description.
func compact(rep *tlsinspect.Report) *tlsinspect.Report {
	if rep == nil {
		return nil
	}
	r := *rep
	r.Leaf = nil
	if len(r.Chain) > 1 {
		r.Chain = []tlsinspect.CertInfo{r.Chain[0]} // a copy: the rest is freed
	}
	return &r
}

var errNoTLSEvidence = errors.New("appident: no TLS evidence")

// tlsTemporary reports whether an inspection's error is transient: a
// timeout, a refused, closed or reset connection. A server that does not
// speak TLS (or only legacy versions), sends too much or no certificate,
// and a refusal by the egress guard are lasting. Network errors are
// classified as dnsverify.IsTemporary does, the module's one classification.
func tlsTemporary(err error) bool {
	switch {
	case err == nil, errors.Is(err, ErrRefused), errors.Is(err, errNoTLSEvidence),
		errors.Is(err, tlsinspect.ErrNotTLS), errors.Is(err, tlsinspect.ErrLegacyTLSOnly),
		errors.Is(err, tlsinspect.ErrTooLarge), errors.Is(err, tlsinspect.ErrNoCertificate),
		errors.Is(err, tlsinspect.ErrInvalidTarget):
		return false
	case errors.Is(err, tlsinspect.ErrTimeout), errors.Is(err, tlsinspect.ErrRefused), errors.Is(err, tlsinspect.ErrClosed):
		return true
	}
	return dnsverify.IsTemporary(err)
}

// recorder notes the refusals and fetches of one inspection.
type recorder struct {
	stats *counters
	mu    sync.Mutex
	list  []refusal
}

func (r *recorder) refusals() []refusal {
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
	if addr, reason, ok := refusalOf(err); ok {
		d.rec.stats.refusals.Add(1)
		d.rec.mu.Lock()
		d.rec.list = append(d.rec.list, refusal{Address: addr, Reason: reason, Fetch: d.fetch})
		d.rec.mu.Unlock()
	}
	return conn, err
}

// refusedFinding is the finding of one refused connection.
func refusedFinding(r refusal) (msg string, fetch bool) {
	if r.Fetch {
		return fmt.Sprintf("A revocation (OCSP or CRL) fetch to %s was refused: %s. Publish revocation information on a public address, port 80 or 443.", r.Address, r.Reason), true
	}
	return fmt.Sprintf("The connection to the redirect host at %s was refused: %s. A redirect host must resolve to a public address and serve HTTPS on port 443.", r.Address, r.Reason), false
}
