package appident_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/dnsverify"
)

// t0 is where the tests stop the clock: the CA the world mints is valid
// around the real time.
var t0 = time.Now().UTC().Truncate(time.Second)

// clockWorld is a world whose clock is stopped at t0, with one OV site
// whose TXT record has a 24-hour DNS TTL (so the 12-hour CacheTTL rules).
func clockWorld(t *testing.T, host string) (*appidenttest.World, *appidenttest.Site) {
	t.Helper()
	w := appidenttest.New(t)
	w.SetNow(t0)
	site, err := w.AddSite(ovSite(host))
	if err != nil {
		t.Fatal(err)
	}
	w.SetDNSTTL(site.ETLDPlusOne, 24*time.Hour)
	return w, site
}

func assess(t *testing.T, c *appident.Checker, app appident.App) *appident.Assessment {
	t.Helper()
	a, err := c.Assess(context.Background(), app)
	if err != nil {
		t.Fatalf("Assess: %v", err)
	}
	return a
}

// settle waits, for at most 5 seconds, until c has no lookup running:
// background renewals started by an assessment end a moment after it.
func settle(t testing.TB, c *appident.Checker) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for c.Stats().InFlight != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("lookups still running: Stats %+v", c.Stats())
		}
		time.Sleep(time.Millisecond)
	}
}

// failureTTL is how long a failure is remembered; retries come within a quarter more.
const failureTTL = time.Minute

func TestCacheExpiryFollowsTheClock(t *testing.T) {
	w, site := clockWorld(t, "app.expiryhealth.com")
	c := newChecker(t, w.Config())
	app := site.App(clientID, "Expiry Health")
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusVerified {
		t.Fatalf("DNS %v, want verified", a.DNS.Status)
	}
	// The developer removes the record: not looked up again before three
	// quarters of the cache's lifetime…
	w.SetTXT(site.ETLDPlusOne, []string{"cerner-client-id=someone-else"})
	w.Advance(9*time.Hour - time.Second)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusVerified || hasFinding(a.Findings, "cache.stale") {
		t.Fatalf("DNS %v, findings %v: want the cached verified evidence, not stale", a.DNS.Status, codes(a.Findings))
	}
	settle(t, c)
	if n := w.DNSQueries(site.ETLDPlusOne); n != 1 {
		t.Fatalf("%d TXT queries before the renewal is due, want 1", n)
	}
	// …then renewed in the background: the assessment that starts the
	// renewal is served the current evidence, the next the renewed one.
	w.Advance(2 * time.Second)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusVerified {
		t.Fatalf("DNS %v while renewing, want the current evidence", a.DNS.Status)
	}
	settle(t, c)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusMismatch {
		t.Fatalf("DNS %v after the renewal, want mismatch", a.DNS.Status)
	}
	if n := w.DNSQueries(site.ETLDPlusOne); n != 2 {
		t.Fatalf("%d TXT queries, want 2", n)
	}
	if s := c.Stats(); s.DNSLookups != 2 || s.Handshakes != 2 {
		t.Errorf("Stats %+v: want two lookups and two handshakes: both renewed", s)
	}
}

func TestShortDNSTTLShortensTheCache(t *testing.T) {
	w, site := clockWorld(t, "app.shortttl.com")
	w.SetDNSTTL(site.ETLDPlusOne, 10*time.Minute)
	c := newChecker(t, w.Config())
	app := site.App(clientID, "X")
	assess(t, c, app)
	w.Advance(7 * time.Minute)
	assess(t, c, app)
	settle(t, c)
	if n := w.DNSQueries(site.ETLDPlusOne); n != 1 {
		t.Fatalf("%d queries within 3/4 of the DNS TTL, want 1", n)
	}
	w.Advance(4 * time.Minute)
	assess(t, c, app)
	if n := w.DNSQueries(site.ETLDPlusOne); n != 2 {
		t.Fatalf("%d queries after the DNS TTL, want 2", n)
	}
	// A TTL below MinTTL is raised to it.
	w.SetDNSTTL(site.ETLDPlusOne, time.Second)
	c2 := newChecker(t, w.Config())
	assess(t, c2, app)
	w.Advance(44 * time.Second)
	assess(t, c2, app)
	settle(t, c2)
	if n := w.DNSQueries(site.ETLDPlusOne); n != 3 {
		t.Fatalf("%d queries, want 3: a 1 s TTL is cached for MinTTL", n)
	}
}

func TestServeStaleOnlyWithMaxStale(t *testing.T) {
	w, site := clockWorld(t, "app.stalehealth.com")
	cfg := w.Config()
	cfg.MaxStale = 24 * time.Hour
	c := newChecker(t, cfg)
	app := site.App(clientID, "Stale Health")
	first := assess(t, c, app)
	if first.DNS.Status != dnsverify.StatusVerified {
		t.Fatalf("DNS %v, want verified", first.DNS.Status)
	}
	w.Advance(13 * time.Hour)
	w.SetDNSFault(site.ETLDPlusOne, 2) // SERVFAIL: transient
	a := assess(t, c, app)
	if a.DNS.Status != dnsverify.StatusVerified || !hasFinding(a.Findings, "cache.stale") {
		t.Fatalf("DNS %v, findings %v: want the earlier verified evidence served stale", a.DNS.Status, codes(a.Findings))
	}
	// The failed renewal is retried after FailureTTL, not on every request.
	q := w.DNSQueries(site.ETLDPlusOne)
	assess(t, c, app)
	if n := w.DNSQueries(site.ETLDPlusOne); n != q {
		t.Errorf("%d queries, want %d: a failed renewal is retried after FailureTTL", n, q)
	}
	w.Advance(failureTTL*5/4 + time.Second)
	if a := assess(t, c, app); !hasFinding(a.Findings, "cache.stale") || w.DNSQueries(site.ETLDPlusOne) == q {
		t.Errorf("findings %v, %d queries: want a retry, still stale", codes(a.Findings), w.DNSQueries(site.ETLDPlusOne))
	}
	// Recovery replaces the stale evidence.
	w.SetDNSFault(site.ETLDPlusOne, 0)
	w.Advance(failureTTL*5/4 + time.Second)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusVerified || hasFinding(a.Findings, "cache.stale") {
		t.Errorf("DNS %v, findings %v: want fresh verified evidence", a.DNS.Status, codes(a.Findings))
	}
	// Stale evidence is served for MaxStale past its expiry, no longer.
	w.SetDNSFault(site.ETLDPlusOne, 2)
	w.Advance(12*time.Hour + cfg.MaxStale + time.Minute)
	a = assess(t, c, app)
	if a.DNS.Status != dnsverify.StatusError || hasFinding(a.Findings, "cache.stale") || !hasFinding(a.Findings, "evidence.not_renewed") || a.Described {
		t.Errorf("DNS %v, findings %v: past MaxStale the failure shows, and that the evidence could not be renewed", a.DNS.Status, codes(a.Findings))
	}

	// Without MaxStale (the default), nothing is served past CacheTTL.
	w2, site2 := clockWorld(t, "app.nostale.com")
	c2 := newChecker(t, w2.Config())
	app2 := site2.App(clientID, "No Stale")
	if a := assess(t, c2, app2); !a.Described {
		t.Fatalf("not described: %v", codes(a.Findings))
	}
	w2.Advance(12*time.Hour + time.Second)
	w2.SetDNSFault(site2.ETLDPlusOne, 2)
	a = assess(t, c2, app2)
	if a.Described || a.DNS.Status != dnsverify.StatusError || hasFinding(a.Findings, "cache.stale") || !hasFinding(a.Findings, "evidence.not_renewed") {
		t.Errorf("described %v, DNS %v, findings %v: want Unknown App, the evidence not renewed", a.Described, a.DNS.Status, codes(a.Findings))
	}
}

func TestDefinitiveAnswerIsNotServedStale(t *testing.T) {
	w, site := clockWorld(t, "app.goneaway.com")
	c := newChecker(t, w.Config())
	app := site.App(clientID, "X")
	assess(t, c, app)
	w.SetDNSFault(site.ETLDPlusOne, 3) // NXDOMAIN: an answer, not a failure
	w.Advance(13 * time.Hour)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusNotFound || hasFinding(a.Findings, "cache.stale") {
		t.Fatalf("DNS %v, findings %v: a removed domain is not served stale", a.DNS.Status, codes(a.Findings))
	}
}

func TestFailureIsCachedBriefly(t *testing.T) {
	w, site := clockWorld(t, "app.flaky.com")
	w.SetDNSFault(site.ETLDPlusOne, 2)
	c := newChecker(t, w.Config())
	app := site.App(clientID, "X")
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusError {
		t.Fatalf("DNS %v, want error", a.DNS.Status)
	}
	w.SetDNSFault(site.ETLDPlusOne, 0)
	w.Advance(failureTTL - time.Second)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusError {
		t.Fatalf("DNS %v within FailureTTL, want the cached error", a.DNS.Status)
	}
	w.Advance(failureTTL/4 + 2*time.Second)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusVerified {
		t.Fatalf("DNS %v after FailureTTL, want verified", a.DNS.Status)
	}
}

func TestRefreshBypassesTheCache(t *testing.T) {
	w, site := clockWorld(t, "app.refreshhealth.com")
	c := newChecker(t, w.Config())
	app := site.App("new-id", "X")
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusMismatch {
		t.Fatalf("DNS %v, want mismatch", a.DNS.Status)
	}
	w.AddTXT(site.ETLDPlusOne, []string{"cerner-client-id=new-id"})
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusMismatch {
		t.Fatalf("DNS %v, want the cached mismatch", a.DNS.Status)
	}
	a, err := c.Refresh(context.Background(), app)
	if err != nil || a.DNS.Status != dnsverify.StatusVerified {
		t.Fatalf("Refresh = %v, %v; want verified", a, err)
	}
	// The refreshed evidence replaced the cached one, for every app on the site.
	other := site.App(clientID, "Y")
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusVerified {
		t.Errorf("DNS %v after Refresh, want verified from the cache", a.DNS.Status)
	}
	if a := assess(t, c, other); a.DNS.Status != dnsverify.StatusVerified {
		t.Errorf("other app: DNS %v, want verified", a.DNS.Status)
	}
	if n := w.DNSQueries(site.ETLDPlusOne); n != 2 {
		t.Errorf("%d queries, want 2 (the first lookup and the Refresh)", n)
	}
}

// mapCache is a shared Cache in a map, honouring the context as a
// networked store would; with lease set it is a Leaser too.
type mapCache struct {
	mu     sync.Mutex
	m      map[string][]byte
	sets   int
	leases map[string]bool
}

func newMapCache() *mapCache { return &mapCache{m: map[string][]byte{}, leases: map[string]bool{}} }

func (c *mapCache) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[key]
	if !ok {
		return nil, appident.ErrCacheMiss
	}
	return b, nil
}

func (c *mapCache) Put(ctx context.Context, key string, data []byte, expires time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !expires.After(t0) {
		return errors.New("mapCache: already expired")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = data
	c.sets++
	return nil
}

// leasingCache is a mapCache that is also a Leaser.
type leasingCache struct{ *mapCache }

func (c leasingCache) Lease(_ context.Context, key string, _ time.Duration) (bool, func(), error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.leases[key] {
		return false, nil, nil
	}
	c.leases[key] = true
	return true, func() { c.mu.Lock(); delete(c.leases, key); c.mu.Unlock() }, nil
}

func TestSharedCacheRoundTrip(t *testing.T) {
	// Two Checkers (two servers of a fleet) share one serialising store:
	// the second looks nothing up.
	w, site := clockWorld(t, "app.fleethealth.com")
	store := newMapCache()
	cfg := w.Config()
	cfg.Cache = store
	one, two := newChecker(t, cfg), newChecker(t, cfg)
	app := site.App(clientID, "Fleet Health")
	a1 := assess(t, one, app)
	a2 := assess(t, two, app)
	if s := two.Stats(); s.DNSLookups != 0 || s.Handshakes != 0 || s.CacheHits != 2 {
		t.Errorf("second server Stats %+v: want both pieces of evidence from the shared store", s)
	}
	if store.sets != 2 {
		t.Errorf("%d entries stored, want 2 (DNS and TLS)", store.sets)
	}
	r1, r2 := decode(t, a1), decode(t, a2)
	for _, path := range [][]string{{"dns", "status"}, {"tls", "status"}, {"described"}, {"tls", "organization"}, {"tls", "certificate_type"}, {"display", "organization"}} {
		if v1, v2 := field(t, r1, path...), field(t, r2, path...); v1 != v2 {
			t.Errorf("%v through the shared store: %v, want %v", path, v2, v1)
		}
	}
	if !a1.Described || !a2.Described {
		t.Errorf("described %v, %v: want both", a1.Described, a2.Described)
	}
}

// A fleet behind a Leaser looks a site up once: the others wait for the
// lease holder's result.
func TestLeaseCoalescesTheFleet(t *testing.T) {
	w, site := clockWorld(t, "app.leasehealth.com")
	w.SetDNSDelay(site.ETLDPlusOne, 200*time.Millisecond)
	store := leasingCache{newMapCache()}
	cfg := w.Config()
	cfg.Cache = store
	app := site.App(clientID, "Lease Health")
	fleet := make([]*appident.Checker, 4)
	for i := range fleet {
		fleet[i] = newChecker(t, cfg)
	}
	var wg sync.WaitGroup
	for _, c := range fleet {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if a := assess(t, c, app); !a.Described {
				t.Errorf("not described: %v", codes(a.Findings))
			}
		}()
	}
	wg.Wait()
	var lookups, handshakes uint64
	for _, c := range fleet {
		s := c.Stats()
		lookups, handshakes = lookups+s.DNSLookups, handshakes+s.Handshakes
		if s.SharedCacheErrors != 0 {
			t.Errorf("Stats %+v: want no shared cache errors", s)
		}
	}
	if lookups != 1 || handshakes != 1 {
		t.Errorf("%d DNS lookups, %d handshakes in the fleet: want 1 and 1", lookups, handshakes)
	}
}

// failingCache fails every call: the Checker fails open, counting.
type failingCache struct{}

var errStore = errors.New("store down")

func (failingCache) Get(context.Context, string) ([]byte, error)          { return nil, errStore }
func (failingCache) Put(context.Context, string, []byte, time.Time) error { return errStore }
func (failingCache) Lease(context.Context, string, time.Duration) (bool, func(), error) {
	return false, nil, errStore
}

func TestSharedCacheErrorsFailOpen(t *testing.T) {
	w, site := clockWorld(t, "app.storedown.com")
	cfg := w.Config()
	cfg.Cache = failingCache{}
	c := newChecker(t, cfg)
	if a := assess(t, c, site.App(clientID, "X")); !a.Described {
		t.Fatalf("not described: %v", codes(a.Findings))
	}
	if s := c.Stats(); s.SharedCacheErrors < 4 || s.DNSLookups != 1 || s.Handshakes != 1 {
		t.Errorf("Stats %+v: want the errors counted (get, lease, put) and the lookups done", s)
	}
}

func TestOutagePastCacheTTLShowsUnknown(t *testing.T) {
	// A site that stops answering the checker loses its description once
	// its evidence is older than CacheTTL: old TLS evidence is never served.
	w, site := clockWorld(t, "app.outagehealth.com")
	cfg := w.Config()
	cfg.MaxStale = 24 * time.Hour // stretches DNS evidence only
	c := newChecker(t, cfg)
	app := site.App(clientID, "Outage Health")
	if a := assess(t, c, app); !a.Described {
		t.Fatalf("not described: %v", a.Findings)
	}
	site.SetDown(true) // connections refused: transient
	w.Advance(13 * time.Hour)
	a := assess(t, c, app)
	if a.Described || a.TLSErr == nil || !hasFinding(a.Findings, "evidence.not_renewed") {
		t.Fatalf("described %v, TLSErr %v, findings %v: want Unknown App, the TLS evidence not renewed", a.Described, a.TLSErr, codes(a.Findings))
	}
}

func TestRefusalIsNotServedStale(t *testing.T) {
	// A refusal is a decision, not a hiccup: once the host moves to a
	// private address, its earlier evidence is not served.
	w, site := clockWorld(t, "app.movedhealth.com")
	store := newMapCache()
	cfg := w.Config()
	cfg.Cache = store
	c := newChecker(t, cfg)
	app := site.App(clientID, "X")
	if a := assess(t, c, app); !a.Described {
		t.Fatalf("not described: %v", a.Findings)
	}
	cfg.AllowPrivate = false
	guarded := newChecker(t, cfg)
	w.Advance(13 * time.Hour)
	a := assess(t, guarded, app)
	if a.Described || hasFinding(a.Findings, "cache.stale") || !errors.Is(a.TLSErr, appident.ErrRefused) {
		t.Fatalf("described %v, TLSErr %v, findings %v: want the refusal, not stale evidence", a.Described, a.TLSErr, codes(a.Findings))
	}
	// The refusal survives the shared store's serialisation.
	a = assess(t, guarded, app)
	if !errors.Is(a.TLSErr, appident.ErrRefused) || !hasFinding(a.Findings, "egress.refused") {
		t.Errorf("from the store: TLSErr %v, findings %v; want the refusal", a.TLSErr, codes(a.Findings))
	}
}

func TestVanishedHostIsNotServedStale(t *testing.T) {
	// The redirect host no longer resolves: an answer, not a hiccup.
	w, site := clockWorld(t, "app.vanished.com")
	store := newMapCache()
	cfg := w.Config()
	cfg.Cache = store
	assess(t, newChecker(t, cfg), site.App(clientID, "X"))
	cfg.Dialer = &net.Dialer{Resolver: w.NetResolver()} // the host has no A record
	cfg.AllowPrivate = false
	w.Advance(13 * time.Hour)
	a := assess(t, newChecker(t, cfg), site.App(clientID, "X"))
	if a.TLSErr == nil || hasFinding(a.Findings, "cache.stale") || a.Described {
		t.Fatalf("TLSErr %v, findings %v: want the failure, not stale evidence", a.TLSErr, codes(a.Findings))
	}
}

func TestGarbageServerIsNotServedStale(t *testing.T) {
	// A host that stops speaking TLS is a lasting failure: no stale evidence.
	w, site := clockWorld(t, "app.nottls.com")
	store := newMapCache()
	cfg := w.Config()
	cfg.Cache = store
	assess(t, newChecker(t, cfg), site.App(clientID, "X"))
	garbage, err := w.AddSite(appidenttest.SiteOptions{Host: "www.nottls.com", TLSFault: appidenttest.TLSGarbage})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Dialer = &redirectDialer{from: net.JoinHostPort(site.Host, "443"), to: garbage.Addr}
	w.Advance(13 * time.Hour)
	a := assess(t, newChecker(t, cfg), site.App(clientID, "X"))
	if a.TLSErr == nil || hasFinding(a.Findings, "cache.stale") || a.Described {
		t.Fatalf("TLSErr %v, findings %v: want the failure, not stale evidence", a.TLSErr, codes(a.Findings))
	}
}

// redirectDialer dials to whenever from is asked for, as curl's --connect-to.
type redirectDialer struct {
	from, to string
	d        net.Dialer
}

func (r *redirectDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if address == r.from {
		address = r.to
	}
	return r.d.DialContext(ctx, network, address)
}

// junkCache returns bytes that are not evidence, as a confused shared store might.
type junkCache struct{}

func (junkCache) Get(context.Context, string) ([]byte, error) {
	return []byte("\x01{\"obtained\":\"2026-01-01T00:00:00Z\",\"expires\":\"2099-01-01T00:00:00Z\"}"), nil
}

func (junkCache) Put(context.Context, string, []byte, time.Time) error { return nil }

func TestJunkFromTheCacheIsAMiss(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(ovSite("app.junkcache.com"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := w.Config()
	cfg.Cache = junkCache{}
	c := newChecker(t, cfg)
	a := assess(t, c, site.App(clientID, "X"))
	if a.DNS.Status != dnsverify.StatusVerified || a.TLSErr != nil || !a.Described {
		t.Fatalf("DNS %v, TLSErr %v, described %v: want junk entries ignored and the evidence looked up", a.DNS.Status, a.TLSErr, a.Described)
	}
	if st := c.Stats(); st.CacheMisses != 2 || st.DNSLookups != 1 || st.Handshakes != 1 {
		t.Errorf("Stats %+v: want two misses and the lookups", st)
	}
}

// switchCache fails while down is set, else serves as a mapCache.
type switchCache struct {
	*mapCache
	down atomic.Bool
}

func (c *switchCache) Get(ctx context.Context, key string) ([]byte, error) {
	if c.down.Load() {
		return nil, errStore
	}
	return c.mapCache.Get(ctx, key)
}

func (c *switchCache) Put(ctx context.Context, key string, data []byte, expires time.Time) error {
	if c.down.Load() {
		return errStore
	}
	return c.mapCache.Put(ctx, key, data, expires)
}

// A shared Cache that starts failing is said in the log once, as a warning,
// and its recovery once, without a warning per failed call.
func TestSharedCacheOutageIsLogged(t *testing.T) {
	w, two := clockWorld(t, "app.logtwo.com")
	three, err := w.AddSite(ovSite("app.logthree.com"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var mu sync.Mutex
	cfg := w.Config()
	store := &switchCache{mapCache: newMapCache()}
	store.down.Store(true)
	cfg.Cache = store
	cfg.Logger = slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c := newChecker(t, cfg)
	if a := assess(t, c, two.App(clientID, "Log Two")); !a.Described {
		t.Fatalf("store down: not described: %v", codes(a.Findings))
	}
	store.down.Store(false)
	if a := assess(t, c, three.App(clientID, "Log Three")); !a.Described {
		t.Fatalf("store back: not described: %v", codes(a.Findings))
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if n := strings.Count(out, "level=WARN"); n != 1 || !strings.Contains(out, "shared cache failed") || !strings.Contains(out, "store down") {
		t.Errorf("%d warnings in the log, want one naming the failure:\n%s", n, out)
	}
	if n := strings.Count(out, "shared cache answers again"); n != 1 {
		t.Errorf("recovery logged %d times, want once:\n%s", n, out)
	}
	if s := c.Stats(); s.SharedCacheErrors < 2 {
		t.Errorf("Stats %+v: want the failures counted", s)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
