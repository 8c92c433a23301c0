package appident_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"sync"
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

func TestCacheExpiryFollowsTheClock(t *testing.T) {
	w, site := clockWorld(t, "app.expiryhealth.com")
	c := newChecker(t, w.Config())
	app := site.App(clientID, "Expiry Health")
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusVerified {
		t.Fatalf("DNS %v, want verified", a.DNS.Status)
	}
	// The developer removes the record: not seen before the cache expires…
	w.SetTXT(site.ETLDPlusOne, []string{"cerner-client-id=someone-else"})
	w.Advance(12*time.Hour - time.Second)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusVerified || hasFinding(a.Findings, "cache.stale") {
		t.Fatalf("DNS %v, findings %v: want the cached verified evidence, not stale", a.DNS.Status, codes(a.Findings))
	}
	if n := w.DNSQueries(site.ETLDPlusOne); n != 1 {
		t.Fatalf("%d TXT queries within the cache TTL, want 1", n)
	}
	// …and seen within 12 hours.
	w.Advance(2 * time.Second)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusMismatch {
		t.Fatalf("DNS %v after 12 hours, want mismatch", a.DNS.Status)
	}
	if n := w.DNSQueries(site.ETLDPlusOne); n != 2 {
		t.Fatalf("%d TXT queries, want 2", n)
	}
}

func TestShortDNSTTLShortensTheCache(t *testing.T) {
	w, site := clockWorld(t, "app.shortttl.com")
	w.SetDNSTTL(site.ETLDPlusOne, 10*time.Minute)
	c := newChecker(t, w.Config())
	app := site.App(clientID, "X")
	assess(t, c, app)
	w.Advance(9 * time.Minute)
	assess(t, c, app)
	if n := w.DNSQueries(site.ETLDPlusOne); n != 1 {
		t.Fatalf("%d queries within the DNS TTL, want 1", n)
	}
	w.Advance(2 * time.Minute)
	assess(t, c, app)
	if n := w.DNSQueries(site.ETLDPlusOne); n != 2 {
		t.Fatalf("%d queries after the DNS TTL, want 2", n)
	}
	// A TTL below MinTTL is raised to it.
	w.SetDNSTTL(site.ETLDPlusOne, time.Second)
	c2 := newChecker(t, w.Config())
	assess(t, c2, app)
	w.Advance(59 * time.Second)
	assess(t, c2, app)
	if n := w.DNSQueries(site.ETLDPlusOne); n != 3 {
		t.Fatalf("%d queries, want 3: a 1 s TTL is cached for MinTTL", n)
	}
}

func TestServeStaleOnTransientFailure(t *testing.T) {
	w, site := clockWorld(t, "app.stalehealth.com")
	c := newChecker(t, w.Config())
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
	if a.Described != first.Described {
		t.Errorf("described %v, was %v: a resolver hiccup must not change the display", a.Described, first.Described)
	}
	if s := c.Stats(); s.StaleServes == 0 {
		t.Errorf("Stats %+v: want a stale serve counted", s)
	}
	// The failed refresh is retried after FailureTTL, not on every request.
	q := w.DNSQueries(site.ETLDPlusOne)
	assess(t, c, app)
	if n := w.DNSQueries(site.ETLDPlusOne); n != q {
		t.Errorf("%d queries, want %d: a failed refresh is retried after FailureTTL", n, q)
	}
	w.Advance(appident.DefaultFailureTTL + time.Second)
	if a := assess(t, c, app); !hasFinding(a.Findings, "cache.stale") || w.DNSQueries(site.ETLDPlusOne) == q {
		t.Errorf("findings %v, %d queries: want a retry, still stale", codes(a.Findings), w.DNSQueries(site.ETLDPlusOne))
	}
	// Recovery replaces the stale evidence.
	w.SetDNSFault(site.ETLDPlusOne, 0)
	w.Advance(appident.DefaultFailureTTL + time.Second)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusVerified || hasFinding(a.Findings, "cache.stale") {
		t.Errorf("DNS %v, findings %v: want fresh verified evidence", a.DNS.Status, codes(a.Findings))
	}
	// Stale evidence is served for MaxStale past its expiry, no longer.
	w.SetDNSFault(site.ETLDPlusOne, 2)
	w.Advance(12*time.Hour + appident.DefaultMaxStale + time.Minute)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusError || hasFinding(a.Findings, "cache.stale") {
		t.Errorf("DNS %v, findings %v: past MaxStale the failure shows", a.DNS.Status, codes(a.Findings))
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
	w.Advance(appident.DefaultFailureTTL - time.Second)
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusError {
		t.Fatalf("DNS %v within FailureTTL, want the cached error", a.DNS.Status)
	}
	w.Advance(2 * time.Second)
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

// mapCache is a Cache that stores entries as JSON, as a shared store would.
type mapCache struct {
	mu   sync.Mutex
	m    map[string][]byte
	sets int
}

func (c *mapCache) Get(_ context.Context, key string) (*appident.Entry, bool) {
	c.mu.Lock()
	b, ok := c.m[key]
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	var e appident.Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, false
	}
	return &e, true
}

func (c *mapCache) Set(_ context.Context, key string, e *appident.Entry) {
	b, err := json.Marshal(e)
	if err != nil {
		panic(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = b
	c.sets++
}

func TestSharedCacheRoundTrip(t *testing.T) {
	// Two Checkers (two servers of a fleet) share one serialising store:
	// the second looks nothing up.
	w, site := clockWorld(t, "app.fleethealth.com")
	store := &mapCache{m: map[string][]byte{}}
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
	j1, _ := json.Marshal(a1)
	j2, _ := json.Marshal(a2)
	var r1, r2 appident.Report
	_ = json.Unmarshal(j1, &r1)
	_ = json.Unmarshal(j2, &r2)
	if r1.DNS.Status != r2.DNS.Status || r1.TLS.Status != r2.TLS.Status || r1.Described != r2.Described ||
		r1.TLS.Organization != r2.TLS.Organization || r1.TLS.CertificateType != r2.TLS.CertificateType ||
		(a1.TLSErr == nil) != (a2.TLSErr == nil) {
		t.Errorf("through the shared store:\n%s\nwant the same as\n%s", j2, j1)
	}
}

func TestLRUBoundsMemory(t *testing.T) {
	c := appident.NewLRU(3)
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c"} {
		c.Set(ctx, k, &appident.Entry{})
	}
	c.Get(ctx, "a") // a is now the most recently used
	c.Set(ctx, "d", &appident.Entry{})
	if _, ok := c.Get(ctx, "b"); ok {
		t.Error("b survived: the least recently used entry must go first")
	}
	for _, k := range []string{"a", "c", "d"} {
		if _, ok := c.Get(ctx, k); !ok {
			t.Errorf("%s evicted, want it kept", k)
		}
	}
	if c.Len() != 3 {
		t.Errorf("Len = %d, want 3", c.Len())
	}
}

func TestServeStaleTLSDuringAnOutage(t *testing.T) {
	w, site := clockWorld(t, "app.outagehealth.com")
	c := newChecker(t, w.Config())
	app := site.App(clientID, "Outage Health")
	if a := assess(t, c, app); !a.Described {
		t.Fatalf("not described: %v", a.Findings)
	}
	site.SetDown(true) // connections refused: transient
	w.Advance(13 * time.Hour)
	a := assess(t, c, app)
	if !a.Described || a.TLSErr != nil || !hasFinding(a.Findings, "cache.stale") {
		t.Fatalf("described %v, TLSErr %v, findings %v: want the earlier TLS evidence served stale", a.Described, a.TLSErr, codes(a.Findings))
	}
	if st := c.Stats(); st.Handshakes != 2 {
		t.Errorf("Stats %+v: want the refresh attempted", st)
	}
	// A certificate is never served stale past its own expiry.
	w.Advance(366 * 24 * time.Hour)
	if a := assess(t, c, app); a.Described || hasFinding(a.Findings, "cache.stale") {
		t.Errorf("described %v, findings %v: a certificate past its expiry is not served", a.Described, codes(a.Findings))
	}
}

func TestRefusalIsNotServedStale(t *testing.T) {
	// A refusal is a decision, not a hiccup: once the host moves to a
	// private address, its earlier evidence is not served.
	w, site := clockWorld(t, "app.movedhealth.com")
	store := &mapCache{m: map[string][]byte{}}
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
	store := &mapCache{m: map[string][]byte{}}
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
	store := &mapCache{m: map[string][]byte{}}
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

// junkCache returns entries that hold nothing, as a confused shared store might.
type junkCache struct{}

func (junkCache) Get(context.Context, string) (*appident.Entry, bool) {
	return &appident.Entry{Expires: time.Now().Add(time.Hour), StaleUntil: time.Now().Add(2 * time.Hour)}, true
}

func (junkCache) Set(context.Context, string, *appident.Entry) {}

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
