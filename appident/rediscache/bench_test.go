package rediscache

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

// BenchmarkCachedAssess compares, in one run, an Assess served from Redis
// (the Checker's in-memory cache too small to hold the sites, so each
// Assess reads the site's DNS and TLS evidence through rediscache) with
// raw go-redis GETs of the same two values. The goal is at most 1.5x.
func BenchmarkCachedAssess(b *testing.B) {
	ctx := context.Background()
	w := appidenttest.New(b)
	rdb := newClient(b, sharedAddr())
	ns := namespace(b)
	var sites []*appidenttest.Site
	for i := range 3 {
		s, err := w.AddSite(appidenttest.SiteOptions{
			Host: fmt.Sprintf("app.bench%d-health.com", i), Type: tlsinspect.OV,
			Organization: "Bench Health, Inc.", Country: "US", State: "MO", Locality: "Kansas City",
			ClientIDs: []string{"bench"},
		})
		if err != nil {
			b.Fatal(err)
		}
		sites = append(sites, s)
	}
	// One replica looks the sites up and stores the evidence in Redis.
	cfg := w.Config()
	cfg.Cache = New(rdb, WithNamespace(ns))
	warm, err := appident.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer warm.Close()
	for _, s := range sites {
		if a, err := warm.Assess(ctx, s.App("bench", "Bench")); err != nil || !a.Described {
			b.Fatalf("warming %s: %v", s.Host, err)
		}
	}

	b.Run("rediscache", func(b *testing.B) {
		cache := New(rdb, WithNamespace(ns), WithTimeout(time.Second))
		cfg := w.Config()
		cfg.Cache, cfg.CacheSize = cache, 1 // three sites never fit
		c, err := appident.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			a, err := c.Assess(ctx, sites[i%len(sites)].App("bench", "Bench"))
			if err != nil || !a.Described {
				b.Fatalf("Assess: %v, described %v", err, a != nil && a.Described)
			}
			i++
		}
		st := c.Stats()
		if st.DNSLookups+st.Handshakes != 0 {
			b.Fatalf("the Checker looked up %d TXT records and made %d handshakes: not served from Redis", st.DNSLookups, st.Handshakes)
		}
		b.ReportMetric(float64(cache.Stats().Hits)/float64(i), "redis-gets/op")
	})

	b.Run("raw-get", func(b *testing.B) {
		keys := make([][2]string, len(sites))
		cache := New(rdb, WithNamespace(ns))
		for i, s := range sites {
			keys[i] = [2]string{cache.DataKey("dns:" + s.ETLDPlusOne), cache.DataKey("tls:" + s.Host + ":443")}
			for _, k := range keys[i] {
				if err := rdb.Get(ctx, k).Err(); err != nil {
					b.Fatalf("GET %s: %v", k, err)
				}
			}
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			for _, k := range keys[i%len(keys)] {
				if _, err := rdb.Get(ctx, k).Bytes(); err != nil {
					b.Fatal(err)
				}
			}
			i++
		}
		b.ReportMetric(2, "redis-gets/op")
	})
}
