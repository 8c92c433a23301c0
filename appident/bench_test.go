package appident_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
	"github.com/miekg/dns"
	"golang.org/x/crypto/ocsp"
)

// benchWorld is a world with one described OV site. With staple, the site
// staples an OCSP response, so revocation needs no fetch; without, its
// revocation status comes from its CRL.
func benchWorld(b *testing.B, staple bool) (*appidenttest.World, *appidenttest.Site) {
	b.Helper()
	w := appidenttest.New(b)
	o := ovSite("app.benchhealth.com")
	o.Staple = staple
	site, err := w.AddSite(o)
	if err != nil {
		b.Fatal(err)
	}
	return w, site
}

// BenchmarkAssessCached is the consent-time cost: evidence in the cache,
// the display decided for the app.
func BenchmarkAssessCached(b *testing.B) {
	w, site := benchWorld(b, false)
	c := newChecker(b, w.Config())
	app := site.App(clientID, "Example Health")
	ctx := context.Background()
	if a, err := c.Assess(ctx, app); err != nil || !a.Described {
		b.Fatalf("priming: %v, %v", a, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Assess(ctx, app); err != nil {
			b.Fatal(err)
		}
	}
}

// rawWork is the network work an assessment cannot avoid, done by hand
// against the same servers: one TXT query (miekg/dns) and one verified TLS
// handshake, run concurrently, with the stapled OCSP response (if any)
// checked against the issuer; or, with crl, the certificate's CRL fetched,
// parsed and its signature checked after the handshake, as a site without
// a stapled OCSP response requires.
type rawWork struct {
	w      *appidenttest.World
	site   *appidenttest.Site
	dns    *dns.Client
	tlsCfg *tls.Config
	crl    bool
}

func newRawWork(w *appidenttest.World, site *appidenttest.Site, crl bool) *rawWork {
	return &rawWork{w: w, site: site, dns: &dns.Client{Timeout: 2 * time.Second},
		tlsCfg: &tls.Config{ServerName: site.Host, RootCAs: w.Roots()}, crl: crl}
}

// fetchCRL fetches the leaf's first CRL over a fresh connection and checks
// it against the issuer.
func fetchCRL(ctx context.Context, leaf, issuer *x509.Certificate) error {
	if len(leaf.CRLDistributionPoints) == 0 {
		return fmt.Errorf("no CRL distribution point")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, leaf.CRLDistributionPoints[0], nil)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	der, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return err
	}
	return crl.CheckSignatureFrom(issuer)
}

func (r *rawWork) do(ctx context.Context) error {
	var wg sync.WaitGroup
	var dnsErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		m := new(dns.Msg)
		m.SetQuestion(dns.Fqdn(r.site.ETLDPlusOne), dns.TypeTXT)
		m.SetEdns0(1232, false)
		resp, _, err := r.dns.ExchangeContext(ctx, m, r.w.DNSAddr())
		if err == nil && len(resp.Answer) == 0 {
			err = fmt.Errorf("no answer")
		}
		dnsErr = err
	}()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", r.site.Addr)
	if err == nil {
		tc := tls.Client(conn, r.tlsCfg)
		err = tc.HandshakeContext(ctx)
		tc.Close()
		if err == nil {
			st := tc.ConnectionState()
			chain := st.VerifiedChains[0]
			if r.crl {
				err = fetchCRL(ctx, chain[0], chain[1])
			} else if st.OCSPResponse != nil {
				// The stapled response is checked against the issuer.
				_, err = ocsp.ParseResponseForCert(st.OCSPResponse, chain[0], chain[1])
			}
		}
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return dnsErr
}

// coldAssess is an assessment by a new Checker, so with a fresh cache: the
// lookup, the handshake, the certificate's analysis (a CRL fetch too, unless
// the site staples OCSP: each Checker keeps its own CRLs) and the decision.
func coldAssess(ctx context.Context, cfg appident.Config, app appident.App) error {
	c, err := appident.New(cfg)
	if err != nil {
		return err
	}
	a, err := c.Assess(ctx, app)
	if err != nil {
		return err
	}
	if !a.Described {
		return fmt.Errorf("not described: %v", a.Findings)
	}
	return nil
}

// BenchmarkRawWork is the baseline of BenchmarkAssessCold.
func BenchmarkRawWork(b *testing.B) {
	w, site := benchWorld(b, true)
	r := newRawWork(w, site, false)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.do(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssessCold is a cold Assess: compare with BenchmarkRawWork.
func BenchmarkAssessCold(b *testing.B) {
	w, site := benchWorld(b, true)
	cfg, app := w.Config(), site.App(clientID, "Example Health")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := coldAssess(ctx, cfg, app); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssessColdRatio interleaves the raw work and a cold Assess in
// one loop, so that both see the same machine load, and reports the ratio
// of their times (cold/raw): for a site that staples OCSP (the raw work is
// one TXT query and one handshake), and for one whose revocation status
// comes from its CRL (the raw work fetches and checks the CRL too).
func BenchmarkAssessColdRatio(b *testing.B) {
	for _, tc := range []struct {
		name   string
		staple bool
	}{{"stapled", true}, {"crl", false}} {
		b.Run(tc.name, func(b *testing.B) {
			w, site := benchWorld(b, tc.staple)
			r := newRawWork(w, site, !tc.staple)
			cfg, app := w.Config(), site.App(clientID, "Example Health")
			ctx := context.Background()
			var raw, cold time.Duration
			n := 0
			for b.Loop() {
				t := time.Now()
				if err := r.do(ctx); err != nil {
					b.Fatal(err)
				}
				raw += time.Since(t)
				t = time.Now()
				if err := coldAssess(ctx, cfg, app); err != nil {
					b.Fatal(err)
				}
				cold += time.Since(t)
				n++
			}
			b.ReportMetric(float64(raw.Nanoseconds())/float64(n), "raw-ns/op")
			b.ReportMetric(float64(cold.Nanoseconds())/float64(n), "cold-ns/op")
			b.ReportMetric(float64(cold)/float64(raw), "cold/raw")
		})
	}
}

// BenchmarkAssessAll re-verifies 1,000 apps on 100 loopback sites with a
// cold cache each iteration, Concurrency 16, the apps ordered by site or
// shuffled. Its baseline, in the same loop, is a hand-written pool of 16
// goroutines assessing each of the 100 sites once: "ratio" is AssessAll's
// time over the pool's.
func BenchmarkAssessAll(b *testing.B) {
	w := appidenttest.New(b)
	sites, apps := addSites(b, w, 100, 10)
	cfg := w.Config()
	ctx := context.Background()
	firsts := make([]appident.App, len(sites))
	for i, s := range sites {
		firsts[i] = s.App(fmt.Sprintf("app-%d-0", i), "Site Health")
	}
	shuffled := slices.Clone(apps)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, order := range []struct {
		name string
		apps []appident.App
	}{{"by-site", apps}, {"shuffled", shuffled}} {
		b.Run(order.name, func(b *testing.B) {
			var all, pool time.Duration
			for b.Loop() {
				c := newChecker(b, cfg)
				start := time.Now()
				for r := range c.AssessAll(ctx, order.apps) {
					if r.Err != nil || !r.Assessment.Described {
						b.Fatalf("app %d: %v, %v", r.Index, r.Assessment, r.Err)
					}
				}
				all += time.Since(start)
				c.Close()

				c = newChecker(b, cfg)
				start = time.Now()
				handPool(b, c, firsts, 16)
				pool += time.Since(start)
				c.Close()
			}
			b.ReportMetric(float64(len(apps))/all.Seconds()*float64(b.N), "apps/s")
			b.ReportMetric(float64(all)/float64(pool), "ratio")
		})
	}
}

// handPool assesses each app once, by n goroutines.
func handPool(b *testing.B, c *appident.Checker, apps []appident.App, n int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(apps); i = int(next.Add(1) - 1) {
				if a, err := c.Assess(context.Background(), apps[i]); err != nil || !a.Described {
					b.Errorf("%s: %v, %v", apps[i].ClientID, a, err)
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkAssessCachedMany assesses again 10,000 cached apps (100 sites of
// 100 apps): ns per app, against the baseline of one cached app assessed
// again and again in the same run ("ratio").
func BenchmarkAssessCachedMany(b *testing.B) {
	w := appidenttest.New(b)
	_, apps := addSites(b, w, 100, 100)
	c := newChecker(b, w.Config())
	ctx := context.Background()
	for r := range c.AssessAll(ctx, apps) {
		if r.Err != nil || !r.Assessment.Described {
			b.Fatalf("priming app %d: %v, %v", r.Index, r.Assessment, r.Err)
		}
	}
	var many, one time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		for _, app := range apps {
			if _, err := c.Assess(ctx, app); err != nil {
				b.Fatal(err)
			}
		}
		many += time.Since(start)
		start = time.Now()
		for range apps {
			if _, err := c.Assess(ctx, apps[0]); err != nil {
				b.Fatal(err)
			}
		}
		one += time.Since(start)
	}
	if s := c.Stats(); s.DNSLookups != 100 || s.Handshakes != 100 {
		b.Fatalf("Stats %+v: want every assessment from the cache", s)
	}
	b.ReportMetric(float64(many.Nanoseconds())/float64(b.N*len(apps)), "ns/app")
	b.ReportMetric(float64(many)/float64(one), "ratio")
}

// BenchmarkHeapPerSite is the live heap a Checker keeps per cached site
// (one app, a distinct leaf per site), against the baseline of keeping the
// inspections' whole reports (parsed leaf and chain) for the same sites.
func BenchmarkHeapPerSite(b *testing.B) {
	const n = 200
	w := appidenttest.New(b)
	_, apps := addSites(b, w, n, 1)
	ctx := context.Background()
	live := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var checker, reports float64
	for b.Loop() {
		c := newChecker(b, w.Config())
		before := live()
		for r := range c.AssessAll(ctx, apps) {
			if r.Err != nil || !r.Assessment.Described {
				b.Fatalf("app %d: %v, %v", r.Index, r.Assessment, r.Err)
			}
		}
		after := live()
		checker += float64(after-min(after, before)) / n
		runtime.KeepAlive(c)
		c.Close()

		in := &tlsinspect.Inspector{Dialer: w.Dialer(), FetchDialer: w.Dialer(), Roots: w.Roots(), Now: w.Now}
		kept := make([]*tlsinspect.Report, 0, n)
		before = live()
		for _, app := range apps {
			u, _ := url.Parse(app.RedirectURIs[0])
			rep, err := in.Inspect(ctx, u.Hostname(), 443)
			if err != nil {
				b.Fatal(err)
			}
			kept = append(kept, rep)
		}
		after = live()
		reports += float64(after-min(after, before)) / n
		runtime.KeepAlive(kept)
	}
	b.ReportMetric(checker/float64(b.N), "B/site")
	b.ReportMetric(reports/float64(b.N), "report-B/site")
	b.ReportMetric(checker/reports, "ratio")
}
