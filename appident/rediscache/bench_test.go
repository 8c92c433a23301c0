package rediscache

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

// BenchmarkCachedAssess compares, in one run, an Assess served from Redis
// with raw go-redis GETs of the same values. The Checker's in-memory cache
// is too small to hold the three sites, so each Assess reads its site's
// DNS and TLS evidence (two values, one after the other) through
// rediscache. The goal is at most 1.5x the raw round trips.
//
// "paired" alternates the two in each iteration, so that a loaded machine
// slows both alike, and reports the ratio (x-raw); "rediscache" and
// "raw-get" run each alone; "memory" is the same Assess served from the
// Checker's own memory, as every request after a replica's first for a
// site is.
func BenchmarkCachedAssess(b *testing.B) {
	ctx := context.Background()
	w := appidenttest.New(b)
	rdb := redis.NewClient(&redis.Options{Addr: sharedAddr(), ContextTimeoutEnabled: true})
	defer rdb.Close()
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
	newChecker := func(size int) (*appident.Checker, *Cache) {
		cache := New(rdb, WithNamespace(ns), WithTimeout(time.Second))
		cfg := w.Config()
		cfg.Cache, cfg.CacheSize = cache, size
		c, err := appident.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		return c, cache
	}
	warm, _ := newChecker(0)
	keys := make([][2]string, len(sites))
	for i, s := range sites {
		if a, err := warm.Assess(ctx, s.App("bench", "Bench")); err != nil || !a.Described {
			b.Fatalf("warming %s: %v", s.Host, err)
		}
		keys[i] = [2]string{New(rdb, WithNamespace(ns)).DataKey("dns:" + s.ETLDPlusOne), New(rdb, WithNamespace(ns)).DataKey("tls:" + s.Host + ":443")}
	}
	assess := func(b *testing.B, c *appident.Checker, i int) {
		a, err := c.Assess(ctx, sites[i%len(sites)].App("bench", "Bench"))
		if err != nil || !a.Described {
			b.Fatalf("Assess: %v", err)
		}
	}
	raw := func(b *testing.B, i int) {
		for _, k := range keys[i%len(keys)] {
			if _, err := rdb.Get(ctx, k).Bytes(); err != nil {
				b.Fatal(err)
			}
		}
	}
	fromRedis := func(b *testing.B, c *appident.Checker, cache *Cache, n int) {
		st := c.Stats()
		if st.DNSLookups+st.Handshakes != 0 || cache.Stats().Hits != uint64(2*n) {
			b.Fatalf("%d Assess made %d TXT lookups, %d handshakes and %d Redis reads: not all from Redis", n, st.DNSLookups, st.Handshakes, cache.Stats().Hits)
		}
	}

	b.Run("paired", func(b *testing.B) {
		c, cache := newChecker(1) // three sites never fit
		var inAssess, inRaw time.Duration
		i := 0
		for b.Loop() {
			start := time.Now()
			assess(b, c, i)
			mid := time.Now()
			raw(b, i)
			inAssess, inRaw = inAssess+mid.Sub(start), inRaw+time.Since(mid)
			i++
		}
		fromRedis(b, c, cache, i)
		b.ReportMetric(float64(inAssess.Nanoseconds())/float64(i), "assess-ns/op")
		b.ReportMetric(float64(inRaw.Nanoseconds())/float64(i), "raw-2get-ns/op")
		b.ReportMetric(float64(inAssess)/float64(inRaw), "x-raw")
	})
	b.Run("rediscache", func(b *testing.B) {
		c, cache := newChecker(1)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			assess(b, c, i)
			i++
		}
		fromRedis(b, c, cache, i)
	})
	b.Run("raw-get", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			raw(b, i)
			i++
		}
	})
	b.Run("memory", func(b *testing.B) {
		c, _ := newChecker(0)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			assess(b, c, i)
			i++
		}
	})
}
