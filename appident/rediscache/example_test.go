package rediscache_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/appident/rediscache"
	"github.com/consenttrust/appverify/tlsinspect"
)

// Two replicas of an authorization server share one Redis: the first
// looks the site up, the second shows the same display without a lookup.
// (The test's Redis address is in APPVERIFY_REDIS_ADDR; a deployment
// would use redis.ParseURL on "rediss://user:password@host:6380/3".)
func Example() {
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("APPVERIFY_REDIS_ADDR"), ContextTimeoutEnabled: true})
	defer rdb.Close()
	hmacKey := make([]byte, 32) // in production: a secret, the same on every replica
	rand.Read(hmacKey)
	ns := make([]byte, 4)
	rand.Read(ns)

	w, err := appidenttest.NewWorld()
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	site, err := w.AddSite(appidenttest.SiteOptions{
		Host: "app.examplehealth.com", Type: tlsinspect.OV,
		Organization: "Example Health, Inc.", Country: "US", State: "MO", Locality: "Kansas City",
		ClientIDs: []string{"my-client-id"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, replica := range []string{"replica 1", "replica 2"} {
		cfg := w.Config()
		cfg.Cache = rediscache.New(rdb,
			rediscache.WithNamespace("example-"+hex.EncodeToString(ns)),
			rediscache.WithHMACKey(hmacKey),
			// Generous for a loaded test machine; the default, 100ms,
			// suits a Redis in the same data centre.
			rediscache.WithTimeout(time.Second))
		checker, err := appident.New(cfg)
		if err != nil {
			log.Fatal(err)
		}
		a, err := checker.Assess(context.Background(), site.App("my-client-id", "Example Health"))
		if err != nil {
			log.Fatal(err)
		}
		st := checker.Stats()
		fmt.Printf("%s: %s, %s; %d TXT lookup, %d handshake\n", replica, a.Display.Domain, a.Display.Organization, st.DNSLookups, st.Handshakes)
		checker.Close()
	}
	// Output:
	// replica 1: examplehealth.com, Example Health, Inc.; 1 TXT lookup, 1 handshake
	// replica 2: examplehealth.com, Example Health, Inc.; 0 TXT lookup, 0 handshake
}
