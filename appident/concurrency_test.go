package appident_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
)

// addSites adds n described sites on n domains, with perSite apps each.
func addSites(t testing.TB, w *appidenttest.World, n, perSite int) ([]*appidenttest.Site, []appident.App) {
	t.Helper()
	var sites []*appidenttest.Site
	var apps []appident.App
	for i := range n {
		o := ovSite(fmt.Sprintf("app.site%dhealth.com", i))
		o.ClientIDs = nil
		for j := range perSite {
			o.ClientIDs = append(o.ClientIDs, fmt.Sprintf("app-%d-%d", i, j))
		}
		s, err := w.AddSite(o)
		if err != nil {
			t.Fatal(err)
		}
		sites = append(sites, s)
		for _, id := range o.ClientIDs {
			apps = append(apps, s.App(id, "Site Health"))
		}
	}
	return sites, apps
}

func TestConcurrentAssessmentsCoalesce(t *testing.T) {
	w := appidenttest.New(t)
	sites, apps := addSites(t, w, 10, 5)
	cfg := w.Config()
	cfg.Timeout = time.Minute // coalescing is under test, not the budget: a loaded machine is slow
	c := newChecker(t, cfg)
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	start := make(chan struct{})
	for g := range 1000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			app := apps[g%len(apps)]
			a, err := c.Assess(context.Background(), app)
			switch {
			case err != nil:
				errs <- err
			case a.DNS.Status != dnsverify.StatusVerified:
				errs <- fmt.Errorf("%s: DNS %v (%v), pending %v, want verified", app.ClientID, a.DNS.Status, a.DNS.Err, a.Pending)
			case (a.TLS == nil) != (a.TLSErr != nil):
				errs <- fmt.Errorf("%s: TLS %v, TLSErr %v", app.ClientID, a.TLS, a.TLSErr)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The Checker's own counters: a UDP query the client retransmits
	// under load is still one lookup.
	st := c.Stats()
	if st.DNSLookups != 10 || st.Handshakes != 10 {
		t.Errorf("Stats %+v; want 10 lookups and 10 handshakes", st)
	}
	for _, s := range sites {
		if n := w.DNSQueries(s.ETLDPlusOne); n < 1 {
			t.Errorf("%s: %d TXT queries, want at least 1", s.ETLDPlusOne, n)
		}
	}
	settleHandshakes(w.Handshakes, 10)
	if hs := w.Handshakes(); hs != 10 {
		t.Errorf("%d TLS handshakes seen by the servers, want 10", hs)
	}
	for _, s := range sites {
		if n := s.Handshakes(); n != 1 {
			t.Errorf("%s: %d handshakes, want 1", s.Host, n)
		}
	}
	if st.Assessments != 1000 || st.CacheHits+st.CacheMisses != 2000 || st.Coalesced == 0 {
		t.Errorf("Stats %+v: want 1000 assessments, 2000 evidence reads, lookups coalesced", st)
	}
}

func TestCancellationDoesNotFailCoalescedCallers(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(ovSite("app.slowdns.com"))
	if err != nil {
		t.Fatal(err)
	}
	w.SetDNSDelay(site.ETLDPlusOne, 300*time.Millisecond)
	c := newChecker(t, w.Config())
	app := site.App(clientID, "Slow DNS")

	ctxA, cancelA := context.WithCancel(context.Background())
	type out struct {
		a   *appident.Assessment
		err error
	}
	resA, resB := make(chan out, 1), make(chan out, 1)
	go func() {
		a, err := c.Assess(ctxA, app)
		resA <- out{a, err}
	}()
	// Wait until A's lookup has reached the server, then join it with B.
	deadline := time.Now().Add(5 * time.Second)
	for w.DNSQueries(site.ETLDPlusOne) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the lookup never reached the DNS server")
		}
		time.Sleep(time.Millisecond)
	}
	misses := c.Stats().CacheMisses
	go func() {
		a, err := c.Assess(context.Background(), app)
		resB <- out{a, err}
	}()
	for c.Stats().CacheMisses == misses { // B has missed the cache too and joins the flight
		time.Sleep(time.Millisecond)
	}
	cancelA()
	a := <-resA
	if a.err != nil {
		t.Fatalf("A: %v; a context ending while evidence is gathered is not an error", a.err)
	}
	if a.a.DNS.Status != dnsverify.StatusError || !errors.Is(a.a.DNS.Err, context.Canceled) || a.a.Display.Domain != "slowdns.com" {
		t.Errorf("A: DNS %v (%v), display %+v; want the abandoned lookup as an error, the domain shown", a.a.DNS.Status, a.a.DNS.Err, a.a.Display)
	}
	b := <-resB
	if b.err != nil || b.a.DNS.Status != dnsverify.StatusVerified {
		t.Fatalf("B: %v, %v; want verified: A's cancellation must not fail B", b.a, b.err)
	}
	if n := w.DNSQueries(site.ETLDPlusOne); n != 1 {
		t.Errorf("%d queries, want 1 shared lookup", n)
	}
	if st := c.Stats(); st.Coalesced == 0 {
		t.Errorf("Stats %+v: want B counted as coalesced", st)
	}
	// The lookup A started was cached for everyone.
	if a := assess(t, c, app); a.DNS.Status != dnsverify.StatusVerified {
		t.Errorf("after: DNS %v, want verified from the cache", a.DNS.Status)
	}
}

func TestTimeoutBoundsTheAssessment(t *testing.T) {
	w := appidenttest.New(t)
	o := ovSite("app.hangs.com")
	o.TLSFault = appidenttest.TLSSilent
	site, err := w.AddSite(o)
	if err != nil {
		t.Fatal(err)
	}
	w.SetDNSDelay(site.ETLDPlusOne, 2*time.Second)
	cfg := w.Config()
	cfg.Timeout = 150 * time.Millisecond
	c := newChecker(t, cfg)
	a := assess(t, c, site.App(clientID, "X"))
	if !a.Pending || a.DNS.Status != dnsverify.StatusError || !errors.Is(a.DNS.Err, context.DeadlineExceeded) || a.TLSErr == nil {
		t.Fatalf("DNS %v (%v), TLSErr %v: want both abandoned at the budget", a.DNS.Status, a.DNS.Err, a.TLSErr)
	}
	if a.Display.Domain != "hangs.com" || a.Described {
		t.Errorf("display %+v: want the domain, as Unknown App", a.Display)
	}
}

func TestAssessAll(t *testing.T) {
	w := appidenttest.New(t)
	_, apps := addSites(t, w, 10, 5)
	bad := appident.App{ClientID: "", RedirectURIs: []string{"https://app.site0health.com/"}}
	unparseable := appident.App{ClientID: "x", RedirectURIs: []string{"https://exa mple.com/"}}
	all := append(append([]appident.App{bad}, apps...), unparseable)
	cfg := w.Config()
	cfg.Concurrency = 4
	c := newChecker(t, cfg)
	seen := make(map[int]bool)
	for r := range c.AssessAll(context.Background(), all) {
		if seen[r.Index] {
			t.Errorf("index %d yielded twice", r.Index)
		}
		seen[r.Index] = true
		if r.Assessment != nil && r.Assessment.ClientID != all[r.Index].ClientID {
			t.Errorf("result %d is for %q, want %q", r.Index, r.Assessment.ClientID, all[r.Index].ClientID)
		}
		switch r.Index {
		case 0:
			if !errors.Is(r.Err, appident.ErrNoClientID) || r.Assessment == nil || r.Assessment.Described ||
				r.Assessment.Display.Domain != "site0health.com" {
				t.Errorf("bad app: %+v, %v; want ErrNoClientID with a fail-closed assessment of its domain", r.Assessment, r.Err)
			}
		case len(all) - 1:
			var pe *etld.Error
			if !errors.As(r.Err, &pe) {
				t.Errorf("unparseable app: %v; want an *etld.Error", r.Err)
			}
		default:
			if r.Err != nil || r.Assessment.DNS.Status != dnsverify.StatusVerified {
				t.Errorf("app %d: %v, %v; want verified", r.Index, r.Assessment, r.Err)
			}
		}
	}
	if len(seen) != len(all) {
		t.Errorf("%d results, want %d: one app's error never stops the batch", len(seen), len(all))
	}
	// Stopping early cancels the rest and returns.
	n := 0
	for range c.AssessAll(context.Background(), all) {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("yielded %d after break, want 3", n)
	}
	// A cancelled batch yields the context's error for each app.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errs := 0
	for r := range c.AssessAll(ctx, all) {
		if errors.Is(r.Err, context.Canceled) {
			errs++
		}
	}
	if errs != len(all) {
		t.Errorf("%d cancelled results, want %d", errs, len(all))
	}
}

// TestCanceledStarterStillCachesTheLookup: the caller that started a
// coalesced lookup gives up; the lookup completes for the others and is
// stored in the Cache, also one that honours the context.
func TestCanceledStarterStillCachesTheLookup(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(ovSite("app.slowstore.com"))
	if err != nil {
		t.Fatal(err)
	}
	w.SetDNSDelay(site.ETLDPlusOne, 300*time.Millisecond)
	cfg := w.Config()
	cfg.Cache = newMapCache()
	c := newChecker(t, cfg)
	app := site.App(clientID, "Slow Store")
	ctxA, cancelA := context.WithCancel(context.Background())
	resA, resB := make(chan error, 1), make(chan *appident.Assessment, 1)
	go func() {
		_, err := c.Assess(ctxA, app)
		resA <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for w.DNSQueries(site.ETLDPlusOne) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the lookup never reached the DNS server")
		}
		time.Sleep(time.Millisecond)
	}
	misses := c.Stats().CacheMisses
	go func() {
		a, _ := c.Assess(context.Background(), app)
		resB <- a
	}()
	for c.Stats().CacheMisses < misses+2 { // B missed both pieces and joins the flights
		time.Sleep(time.Millisecond)
	}
	cancelA()
	if err := <-resA; err != nil {
		t.Fatalf("A: %v", err)
	}
	if b := <-resB; b == nil || b.DNS.Status != dnsverify.StatusVerified {
		t.Fatalf("B: %+v; want verified", b)
	}
	a := assess(t, c, app)
	if st := c.Stats(); a.DNS.Status != dnsverify.StatusVerified || st.DNSLookups != 1 || st.Handshakes != 1 {
		t.Errorf("DNS %v, Stats %+v: want the shared lookups cached despite their starter's cancellation", a.DNS.Status, st)
	}
}

// settleHandshakes waits, for at most 3 seconds, until count reaches want:
// a test server counts a handshake once its side of it is done, a moment
// after the client's. The caller then checks the count.
func settleHandshakes(count func() int, want int) {
	deadline := time.Now().Add(3 * time.Second)
	for count() < want && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}
