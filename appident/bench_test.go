package appident_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/miekg/dns"
)

func benchWorld(b *testing.B) (*appidenttest.World, *appidenttest.Site) {
	b.Helper()
	w := appidenttest.New(b)
	site, err := w.AddSite(ovSite("app.benchhealth.com"))
	if err != nil {
		b.Fatal(err)
	}
	return w, site
}

// BenchmarkAssessCached is the consent-time cost: evidence in the cache,
// the display decided for the app.
func BenchmarkAssessCached(b *testing.B) {
	w, site := benchWorld(b)
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
// handshake, run concurrently.
type rawWork struct {
	w      *appidenttest.World
	site   *appidenttest.Site
	dns    *dns.Client
	tlsCfg *tls.Config
}

func newRawWork(w *appidenttest.World, site *appidenttest.Site) *rawWork {
	return &rawWork{w: w, site: site, dns: &dns.Client{Timeout: 2 * time.Second},
		tlsCfg: &tls.Config{ServerName: site.Host, RootCAs: w.Roots()}}
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
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return dnsErr
}

// coldAssess is an assessment with a fresh cache: the lookup, the
// handshake, the certificate's analysis (its CRL comes from tlsinspect's
// process-wide CRL cache after the first time) and the decision.
func coldAssess(ctx context.Context, cfg appident.Config, app appident.App) error {
	cfg.Cache = appident.NewLRU(4)
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
	w, site := benchWorld(b)
	r := newRawWork(w, site)
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
	w, site := benchWorld(b)
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
// of their times (cold/raw).
func BenchmarkAssessColdRatio(b *testing.B) {
	w, site := benchWorld(b)
	r := newRawWork(w, site)
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
}

// BenchmarkAssessAll re-verifies 1,000 apps on 100 loopback sites with a
// cold cache each iteration, Concurrency 16: apps per second, and the
// peak heap in use and bytes allocated per batch.
func BenchmarkAssessAll(b *testing.B) {
	w := appidenttest.New(b)
	var apps []appident.App
	for i := range 100 {
		o := ovSite(fmt.Sprintf("app.bulk%dhealth.com", i))
		o.ClientIDs = nil
		for j := range 10 {
			o.ClientIDs = append(o.ClientIDs, fmt.Sprintf("bulk-%d-%d", i, j))
		}
		s, err := w.AddSite(o)
		if err != nil {
			b.Fatal(err)
		}
		for _, id := range o.ClientIDs {
			apps = append(apps, s.App(id, "Bulk Health"))
		}
	}
	cfg := w.Config()
	ctx := context.Background()

	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	go func() {
		defer close(sampled)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		c, err := appident.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		for r := range c.AssessAll(ctx, apps) {
			if r.Err != nil || !r.Assessment.Described {
				b.Fatalf("%s: %v, %v", r.App.ClientID, r.Assessment, r.Err)
			}
		}
		n++
	}
	elapsed := time.Since(start)
	close(stop)
	<-sampled
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(n*len(apps))/elapsed.Seconds(), "apps/s")
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), before.HeapInuse))/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/(1<<20), "alloc-MB/batch")
}
