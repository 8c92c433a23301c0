package rediscache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/tlsinspect"
)

// testTimeout is the Redis timeout of tests that are not about it: generous,
// so that a loaded test machine does not turn them into tests of failing
// open. Tests of the timeout set their own after it.
var testTimeout = WithTimeout(5 * time.Second)

func TestPutGet(t *testing.T) {
	ctx := context.Background()
	rdb := newClient(t, sharedAddr())
	c := New(rdb, testTimeout, WithNamespace(namespace(t)))
	expires := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	data := []byte(`{"v":1,"dns":{"status":"verified"}}`)
	if err := c.Put(ctx, "dns:examplehealth.com", data, expires); err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, err := c.Get(ctx, "dns:examplehealth.com")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("Get = %q, want %q", got, data)
	}
	if _, err := c.Get(ctx, "dns:other.com"); !errors.Is(err, appident.ErrCacheMiss) {
		t.Errorf("Get of a key never put: err = %v, want the cache miss", err)
	}
	// The key is namespaced and versioned, and Redis expires it at the
	// evidence's expiry.
	rkey := c.DataKey("dns:examplehealth.com")
	if want := c.namespace + ":v1:e:dns:examplehealth.com"; rkey != want {
		t.Errorf("DataKey = %q, want %q", rkey, want)
	}
	at, err := rdb.Do(ctx, "PEXPIRETIME", rkey).Int64()
	if err != nil {
		t.Fatal(err)
	}
	if at != expires.UnixMilli() {
		t.Errorf("Redis expires %s at %d, want %d (the evidence's expiry)", rkey, at, expires.UnixMilli())
	}
	if s := c.Stats(); s.Hits != 1 || s.Misses != 1 || s.Errors != 0 || s.Rejected != 0 {
		t.Errorf("Stats = %+v, want 1 hit and 1 miss", s)
	}
}

func TestPutExpiredStoresNothing(t *testing.T) {
	ctx := context.Background()
	rdb := newClient(t, sharedAddr())
	c := New(rdb, testTimeout, WithNamespace(namespace(t)))
	if err := c.Put(ctx, "tls:a.com:443", []byte("x"), time.Now().Add(-time.Second)); err != nil {
		t.Fatalf("Put of expired data: %v", err)
	}
	if n, err := rdb.Exists(ctx, c.DataKey("tls:a.com:443")).Result(); err != nil || n != 0 {
		t.Errorf("expired data stored: EXISTS = %d, %v", n, err)
	}
}

// A value Redis still holds but whose expiry has passed on this replica's
// clock (clocks differ) is a miss.
func TestExpiryJudgedOnRead(t *testing.T) {
	ctx := context.Background()
	rdb := newClient(t, sharedAddr())
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c := New(rdb, testTimeout, WithNamespace(namespace(t)), withNow(clock))
	if err := c.Put(ctx, "k", []byte("x"), now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, "k"); err != nil {
		t.Fatalf("Get before expiry: %v", err)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	if _, err := c.Get(ctx, "k"); !errors.Is(err, appident.ErrCacheMiss) {
		t.Errorf("Get at expiry: err = %v, want the cache miss", err)
	}
	if s := c.Stats(); s.Rejected != 0 || s.Misses != 1 {
		t.Errorf("Stats = %+v, want the expired value counted as a miss, not a rejection", s)
	}
}

// Whatever is found under a key, Get returns a miss (counted as rejected)
// or an error, never garbage and never a panic.
func TestGetRefusesBadValues(t *testing.T) {
	ctx := context.Background()
	rdb := newClient(t, sharedAddr())
	key := []byte("0123456789abcdef0123456789abcdef")
	ns := namespace(t)
	signed := New(rdb, testTimeout, WithNamespace(ns), WithHMACKey(key), WithMaxValueSize(64))
	plain := New(rdb, testTimeout, WithNamespace(ns), WithMaxValueSize(64))
	otherKey := New(rdb, testTimeout, WithNamespace(ns), WithHMACKey([]byte("another key, another fleet......")))
	exp := time.Now().Add(time.Hour)
	rkey := signed.DataKey("k")
	good := seal(rkey, []byte("evidence"), exp, key)

	withByte := func(v []byte, i int, b byte) []byte {
		v = bytes.Clone(v)
		v[i] = b
		return v
	}
	flip := func(v []byte, i int) []byte { return withByte(v, i, v[i]^1) }
	tests := []struct {
		name  string
		c     *Cache
		value []byte
	}{
		// Not an envelope.
		{"one byte", plain, []byte{1}},
		{"JSON of another library", plain, []byte(`{"obtained":"2026-01-01T00:00:00Z"}`)},
		{"format version 2", plain, flip(seal(rkey, []byte("x"), exp, nil), 0)},
		{"unknown flag", plain, withByte(seal(rkey, []byte("x"), exp, nil), 1, 2)},
		{"MAC flagged, cut short", plain, good[:headerLen+10]},
		// The size bound.
		{"over the bound", plain, seal(rkey, bytes.Repeat([]byte("x"), 65), exp, nil)},
		// The HMAC.
		{"unsigned, key set", signed, seal(rkey, []byte("evidence"), exp, nil)},
		{"data changed", signed, flip(good, len(good)-1)},
		{"expiry extended", signed, flip(good, 3)},
		{"MAC changed", signed, flip(good, headerLen)},
		{"signed for another key", signed, seal(signed.DataKey("dns:other.com"), []byte("evidence"), exp, key)},
		{"signed with another key", otherKey, good},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := rdb.Set(ctx, rkey, tt.value, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			before := tt.c.Stats().Rejected
			got, err := tt.c.Get(ctx, "k")
			if !errors.Is(err, appident.ErrCacheMiss) || got != nil {
				t.Errorf("Get = %q, %v; want nil and the cache miss", got, err)
			}
			if after := tt.c.Stats().Rejected; after != before+1 {
				t.Errorf("Stats.Rejected went from %d to %d, want one more", before, after)
			}
		})
	}

	// The good value itself verifies, and a replica without the key reads it.
	if err := rdb.Set(ctx, rkey, good, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*Cache{"signed": signed, "plain": plain} {
		if got, err := c.Get(ctx, "k"); err != nil || string(got) != "evidence" {
			t.Errorf("%s: Get of the signed value = %q, %v; want %q", name, got, err, "evidence")
		}
	}

	// Another Redis type under the key is an error, not a panic.
	if err := rdb.Del(ctx, rkey).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.RPush(ctx, rkey, "a").Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := plain.Get(ctx, "k"); err == nil || got != nil {
		t.Errorf("Get of a list = %q, %v; want an error", got, err)
	}
}

func TestHMACRoundTrip(t *testing.T) {
	ctx := context.Background()
	rdb := newClient(t, sharedAddr())
	ns := namespace(t)
	key := []byte("0123456789abcdef0123456789abcdef")
	a := New(rdb, testTimeout, WithNamespace(ns), WithHMACKey(key))
	b := New(rdb, testTimeout, WithNamespace(ns), WithHMACKey(key))
	if err := a.Put(ctx, "tls:app.examplehealth.com:443", []byte("report"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(ctx, "tls:app.examplehealth.com:443"); err != nil || string(got) != "report" {
		t.Errorf("another replica with the key: Get = %q, %v; want %q", got, err, "report")
	}
	// Copying the signed value to another site's key does not forge
	// evidence for that site.
	v, err := rdb.Get(ctx, a.DataKey("tls:app.examplehealth.com:443")).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, a.DataKey("tls:evil.com:443"), v, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(ctx, "tls:evil.com:443"); !errors.Is(err, appident.ErrCacheMiss) {
		t.Errorf("a value moved to another key: Get = %q, %v; want the cache miss", got, err)
	}
}

func TestSizeBound(t *testing.T) {
	ctx := context.Background()
	rdb := newClient(t, sharedAddr())
	c := New(rdb, testTimeout, WithNamespace(namespace(t)), WithMaxValueSize(10))
	if err := c.Put(ctx, "k", bytes.Repeat([]byte("x"), 10), time.Now().Add(time.Hour)); err != nil {
		t.Errorf("Put at the bound: %v", err)
	}
	err := c.Put(ctx, "k2", bytes.Repeat([]byte("x"), 11), time.Now().Add(time.Hour))
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("Put over the bound: err = %v, want ErrTooLarge", err)
	}
	if n, _ := rdb.Exists(ctx, c.DataKey("k2")).Result(); n != 0 {
		t.Errorf("a value over the bound was stored")
	}
	// A huge value written by someone else is read no further than the
	// bound (GETRANGE) and refused.
	if err := rdb.Set(ctx, c.DataKey("k3"), bytes.Repeat([]byte("x"), 1<<20), time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, "k3"); !errors.Is(err, appident.ErrCacheMiss) || !errors.Is(err, ErrTooLarge) {
		t.Errorf("Get of a 1 MiB value: err = %v, want a miss for ErrTooLarge", err)
	}
	if s := c.Stats(); s.Rejected != 1 {
		t.Errorf("Stats.Rejected = %d, want 1", s.Rejected)
	}
}

func TestLease(t *testing.T) {
	ctx := context.Background()
	rdb := newClient(t, sharedAddr())
	ns := namespace(t)
	a, b := New(rdb, testTimeout, WithNamespace(ns)), New(rdb, testTimeout, WithNamespace(ns))

	held, releaseA, err := a.Lease(ctx, "dns:examplehealth.com", time.Minute)
	if err != nil || !held {
		t.Fatalf("first Lease = %v, %v; want held", held, err)
	}
	held, releaseB, err := b.Lease(ctx, "dns:examplehealth.com", time.Minute)
	if err != nil || held {
		t.Fatalf("second Lease while held = %v, %v; want not held", held, err)
	}
	releaseB() // not held: does nothing
	if held, _, _ := b.Lease(ctx, "dns:examplehealth.com", time.Minute); held {
		t.Fatal("a release by a replica that did not hold the lease freed it")
	}
	// Other keys have leases of their own.
	if held, _, err := b.Lease(ctx, "tls:app.examplehealth.com:443", time.Minute); err != nil || !held {
		t.Errorf("Lease of another key = %v, %v; want held", held, err)
	}
	pttl, err := rdb.PTTL(ctx, a.LeaseKey("dns:examplehealth.com")).Result()
	if err != nil || pttl <= 0 || pttl > time.Minute {
		t.Errorf("lease PTTL = %v, %v; want in (0, 1m]", pttl, err)
	}
	releaseA()
	releaseA() // twice is harmless
	held, releaseB, err = b.Lease(ctx, "dns:examplehealth.com", time.Minute)
	if err != nil || !held {
		t.Fatalf("Lease after release = %v, %v; want held", held, err)
	}
	releaseB()
}

// A lease ends by itself after its ttl; the holder's late release then
// does not free the lease another replica took meanwhile.
func TestLeaseExpiresAndLateReleaseKeepsTheNewHolder(t *testing.T) {
	ctx := context.Background()
	rdb := newClient(t, sharedAddr())
	ns := namespace(t)
	a, b := New(rdb, testTimeout, WithNamespace(ns)), New(rdb, testTimeout, WithNamespace(ns))
	held, releaseA, err := a.Lease(ctx, "k", 50*time.Millisecond)
	if err != nil || !held {
		t.Fatalf("Lease = %v, %v", held, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	var releaseB func()
	for {
		if held, releaseB, err = b.Lease(ctx, "k", time.Minute); err != nil {
			t.Fatal(err)
		} else if held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a 50ms lease was still held after 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	defer releaseB()
	releaseA()
	if held, _, _ := a.Lease(ctx, "k", time.Minute); held {
		t.Error("the first holder's late release freed the second holder's lease")
	}
}

// Redis killed: calls fail within the timeout, then at once while backing
// off; Redis restarted: the Cache works again by itself.
func TestRedisDownFailsFastAndRecovers(t *testing.T) {
	ctx := context.Background()
	srv := ownServer(t)
	rdb := newClient(t, srv.Addr())
	const backoff = 200 * time.Millisecond
	c := New(rdb, WithTimeout(100*time.Millisecond), WithBackoff(backoff))
	exp := time.Now().Add(time.Hour)
	if err := c.Put(ctx, "k", []byte("x"), exp); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	start := time.Now()
	if _, err := c.Get(ctx, "k"); err == nil || errors.Is(err, appident.ErrCacheMiss) {
		t.Errorf("Get with Redis down: err = %v, want an error that is not a miss", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Get with Redis down took %v; the timeout is 100ms", d)
	}
	if err := c.Put(ctx, "k", []byte("x"), exp); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Put while backing off: err = %v, want ErrUnavailable", err)
	}
	if held, release, err := c.Lease(ctx, "k", time.Second); err == nil || held || release == nil {
		t.Errorf("Lease while backing off = %v, %v; want an error and a release func", held, err)
	}
	if s := c.Stats(); s.Errors != 1 || s.Skipped != 2 {
		t.Errorf("Stats = %+v, want 1 error and 2 calls skipped", s)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := c.Put(ctx, "k", []byte("again"), exp)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Put still failing 10s after Redis restarted: %v", err)
		}
		time.Sleep(backoff / 4)
	}
	if got, err := c.Get(ctx, "k"); err != nil || string(got) != "again" {
		t.Errorf("Get after recovery = %q, %v", got, err)
	}
}

// A Redis that accepts connections and never answers (stopped) costs one
// timeout, whether the client bounds reads by the context's deadline
// (ContextTimeoutEnabled) or only by its own 3s read timeout.
func TestRedisStalledIsBoundedByTheTimeout(t *testing.T) {
	for _, ctxTimeouts := range []bool{false, true} {
		t.Run(fmt.Sprintf("ContextTimeoutEnabled=%v", ctxTimeouts), func(t *testing.T) {
			ctx := context.Background()
			srv := ownServer(t)
			rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: ctxTimeouts})
			defer rdb.Close()
			c := New(rdb, WithTimeout(100*time.Millisecond))
			if c.ctxDeadlines != ctxTimeouts {
				t.Fatalf("New saw ContextTimeoutEnabled=%v, want %v", c.ctxDeadlines, ctxTimeouts)
			}
			if err := c.Put(ctx, "k", []byte("x"), time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := srv.Pause(); err != nil {
				t.Fatal(err)
			}
			defer srv.Resume()
			start := time.Now()
			_, err := c.Get(ctx, "k")
			d := time.Since(start)
			if !errors.Is(err, errTimeout) {
				t.Errorf("Get from a stalled Redis: err = %v, want the timeout", err)
			}
			if d > time.Second {
				t.Errorf("Get from a stalled Redis took %v; the timeout is 100ms", d)
			}
			if _, err := c.Get(ctx, "k"); !errors.Is(err, ErrUnavailable) {
				t.Errorf("the next Get: err = %v, want ErrUnavailable while backing off", err)
			}
		})
	}
}

// A full Redis (out of memory, no eviction) refuses writes with an answer:
// Put fails at once, reads go on, and there is no backoff.
func TestRedisFull(t *testing.T) {
	ctx := context.Background()
	srv := ownServer(t)
	rdb := newClient(t, srv.Addr())
	c := New(rdb, testTimeout)
	if err := c.Put(ctx, "k", []byte("x"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := rdb.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.ConfigSet(ctx, "maxmemory", "1").Err(); err != nil {
		t.Fatal(err)
	}
	err := c.Put(ctx, "k2", []byte("y"), time.Now().Add(time.Hour))
	if err == nil || !strings.Contains(err.Error(), "OOM") {
		t.Errorf("Put into a full Redis: err = %v, want the OOM answer", err)
	}
	if got, err := c.Get(ctx, "k"); err != nil || string(got) != "x" {
		t.Errorf("Get from a full Redis = %q, %v; want %q (no backoff after an answer)", got, err, "x")
	}
	if s := c.Stats(); s.Errors != 1 || s.Skipped != 0 {
		t.Errorf("Stats = %+v, want 1 error, none skipped", s)
	}
}

// The caller's own context ending is not Redis's fault: no backoff.
func TestCallerCancelStartsNoBackoff(t *testing.T) {
	rdb := newClient(t, sharedAddr())
	c := New(rdb, testTimeout, WithNamespace(namespace(t)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Get(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a canceled context: err = %v, want context.Canceled", err)
	}
	if _, err := c.Get(context.Background(), "k"); !errors.Is(err, appident.ErrCacheMiss) {
		t.Errorf("the next Get: err = %v, want a miss (no backoff)", err)
	}
}

// What one site costs in Redis: its two values (TXT answer, TLS
// inspection) as the Checker stores them, measured with MEMORY USAGE.
func TestMemoryPerSite(t *testing.T) {
	ctx := context.Background()
	w := appidenttest.New(t)
	site, err := w.AddSite(appidenttest.SiteOptions{
		Host: "app.memoryhealth.com", Type: tlsinspect.OV, Staple: true,
		Organization: "Memory Health, Inc.", Country: "US", State: "MO", Locality: "Kansas City",
		ClientIDs: []string{"memory"},
	})
	if err != nil {
		t.Fatal(err)
	}
	rdb := newClient(t, sharedAddr())
	c := New(rdb, testTimeout, WithNamespace(namespace(t)), WithHMACKey(make([]byte, 32)))
	cfg := w.Config()
	cfg.Cache = c
	checker, err := appident.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer checker.Close()
	if a, err := checker.Assess(ctx, site.App("memory", "Memory Health")); err != nil || !a.Described {
		t.Fatalf("Assess: %v", err)
	}
	var total int64
	for _, key := range []string{"dns:" + site.ETLDPlusOne, "tls:" + site.Host + ":443"} {
		rkey := c.DataKey(key)
		n, err := rdb.MemoryUsage(ctx, rkey).Result()
		if err != nil {
			t.Fatalf("MEMORY USAGE %s: %v", rkey, err)
		}
		size, _ := rdb.StrLen(ctx, rkey).Result()
		t.Logf("%s: %d bytes stored, %d bytes of Redis memory", rkey, size, n)
		total += n
	}
	t.Logf("one site: %d bytes of Redis memory", total)
	if total > 16<<10 {
		t.Errorf("one site costs %d bytes in Redis; the package doc promises under 16 KiB", total)
	}
}

// The ACL the package doc recommends is enough for the Cache, and keeps
// the fleet's user out of other keys.
func TestDocumentedACL(t *testing.T) {
	ctx := context.Background()
	srv := ownServer(t)
	admin := newClient(t, srv.Addr())
	// As in the package doc.
	acl := []any{"ACL", "SETUSER", "appverify", "on", ">secret", "~appverify:*", "+get", "+getrange", "+set", "+evalsha", "+eval", "+del"}
	if err := admin.Do(ctx, acl...).Err(); err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), Username: "appverify", Password: "secret", ContextTimeoutEnabled: true})
	defer rdb.Close()
	c := New(rdb, testTimeout, WithHMACKey([]byte("0123456789abcdef0123456789abcdef")))
	if err := c.Put(ctx, "dns:examplehealth.com", []byte("x"), time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("Put as the ACL user: %v", err)
	}
	if got, err := c.Get(ctx, "dns:examplehealth.com"); err != nil || string(got) != "x" {
		t.Fatalf("Get as the ACL user = %q, %v", got, err)
	}
	held, release, err := c.Lease(ctx, "dns:examplehealth.com", time.Minute)
	if err != nil || !held {
		t.Fatalf("Lease as the ACL user = %v, %v", held, err)
	}
	release()
	if n, err := admin.Exists(ctx, c.LeaseKey("dns:examplehealth.com")).Result(); err != nil || n != 0 {
		t.Errorf("release as the ACL user left the lease: EXISTS = %d, %v", n, err)
	}
	if err := rdb.Set(ctx, "sessions:1", "x", 0).Err(); err == nil || !strings.Contains(err.Error(), "NOPERM") {
		t.Errorf("SET outside the namespace as the ACL user: err = %v, want NOPERM", err)
	}
	if s := c.Stats(); s.Errors != 0 {
		t.Errorf("Stats = %+v, want no errors", s)
	}
}

// Bytes the Checker cannot decode (another version of its encoding,
// corruption), in a valid envelope, are a miss to it: it looks the site up
// and overwrites them.
func TestCheckerLooksUpOverUndecodableValues(t *testing.T) {
	ctx := context.Background()
	w := appidenttest.New(t)
	site, err := w.AddSite(appidenttest.SiteOptions{
		Host: "app.garbledhealth.com", Type: tlsinspect.OV,
		Organization: "Garbled Health, Inc.", Country: "US", State: "MO", Locality: "Kansas City",
		ClientIDs: []string{"garbled"},
	})
	if err != nil {
		t.Fatal(err)
	}
	rdb := newClient(t, sharedAddr())
	c := New(rdb, testTimeout, WithNamespace(namespace(t)))
	dk, tk := "dns:"+site.ETLDPlusOne, "tls:"+site.Host+":443"
	for i, data := range [][]byte{{}, {0xff}, []byte(`{"obtained":"2026-01-01T00:00:00Z"}`), {99, '{', '}'}, bytes.Repeat([]byte{1}, 300)} {
		exp := time.Now().Add(time.Hour)
		if err := c.Put(ctx, dk, data, exp); err != nil {
			t.Fatal(err)
		}
		if err := c.Put(ctx, tk, data, exp); err != nil {
			t.Fatal(err)
		}
		cfg := w.Config()
		cfg.Cache = c
		checker, err := appident.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		a, err := checker.Assess(ctx, site.App("garbled", "Garbled Health"))
		checker.Close()
		if err != nil || !a.Described {
			t.Fatalf("value %d (%q): Assess = %v, described %v; want the site looked up", i, data, err, a != nil && a.Described)
		}
		if st := checker.Stats(); st.DNSLookups != 1 || st.Handshakes != 1 {
			t.Errorf("value %d (%q): %d TXT lookups, %d handshakes; want 1 and 1", i, data, st.DNSLookups, st.Handshakes)
		}
		if got, err := c.Get(ctx, dk); err != nil || bytes.Equal(got, data) {
			t.Errorf("value %d (%q): after the lookup Redis holds %q, %v; want the Checker's evidence", i, data, got, err)
		}
	}
}
