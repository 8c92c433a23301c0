package appident

import (
	"errors"
	"reflect"
	"syscall"
	"testing"
	"time"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/tlsinspect"
)

var storeT0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func storeChecker(t *testing.T, cfg Config) *Checker {
	t.Helper()
	cfg.Now = func() time.Time { return storeT0 }
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func goodDNS(c *Checker, at time.Time) *entry {
	e := &entry{dns: &dnsEvidence{name: "examplehealth.com", records: [][]string{{"cerner-client-id=abc"}}}}
	return c.success(e, at, at.Add(c.cfg.CacheTTL))
}

func failedDNS(c *Checker, at time.Time, temporary bool) *entry {
	return c.failure(&entry{dns: &dnsEvidence{name: "examplehealth.com"}}, at, errors.New("timeout"), temporary)
}

// An older flight that ends after a newer one (a Refresh started beside it)
// must not overwrite the newer evidence with its failure; evidence obtained
// before the flight started is replaced as usual.
func TestKeepKeepsNewerEvidence(t *testing.T) {
	c := storeChecker(t, Config{})
	k := dnsKey("examplehealth.com")
	fresh := goodDNS(c, storeT0.Add(time.Second))
	c.mem.put(k.key, fresh)
	if got := c.keep(k, failedDNS(c, storeT0.Add(2*time.Second), false), storeT0); got != fresh {
		t.Errorf("keep returned %+v, want the newer evidence", got)
	}
	failure := failedDNS(c, storeT0.Add(2*time.Second), false)
	if got := c.keep(k, failure, storeT0.Add(time.Second)); got != failure || !failure.lost.Equal(fresh.obtained) {
		t.Errorf("keep returned %+v, want its own failure, having lost the evidence of %v", got, fresh.obtained)
	}
}

// The lifecycle of issue 9: a renewal that fails transiently keeps the
// evidence while it may be served; any other failure, or any failure past
// its expiry, replaces it and says what was lost. MaxStale stretches DNS
// evidence only.
func TestKeepFollowsTheLifecycle(t *testing.T) {
	for _, tc := range []struct {
		name      string
		maxStale  time.Duration
		tls       bool
		failAt    time.Duration // after the evidence was obtained
		temporary bool
		wantKept  bool
	}{
		{"transient failure while fresh keeps", 0, false, 10 * time.Hour, true, true},
		{"lasting failure while fresh replaces", 0, false, 10 * time.Hour, false, false},
		{"transient failure past expiry replaces", 0, false, 12*time.Hour + time.Minute, true, false},
		{"MaxStale stretches DNS", 24 * time.Hour, false, 13 * time.Hour, true, true},
		{"MaxStale never stretches TLS", 24 * time.Hour, true, 13 * time.Hour, true, false},
		{"TLS transient failure while fresh keeps", 0, true, 11 * time.Hour, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := storeChecker(t, Config{MaxStale: tc.maxStale})
			k, old, fail := dnsKey("examplehealth.com"), goodDNS(c, storeT0), failedDNS(c, storeT0.Add(tc.failAt), tc.temporary)
			if tc.tls {
				k = tlsKey("app.examplehealth.com", 443)
				old = c.success(&entry{tls: &tlsEvidence{report: &tlsinspect.Report{}}}, storeT0, storeT0.Add(12*time.Hour))
				fail = c.failure(&entry{tls: &tlsEvidence{}}, storeT0.Add(tc.failAt), syscall.ECONNRESET, tc.temporary)
			}
			c.mem.put(k.key, old)
			got := c.keep(k, fail, storeT0.Add(tc.failAt))
			if kept := !got.failed; kept != tc.wantKept {
				t.Fatalf("kept %v, want %v", kept, tc.wantKept)
			}
			if tc.wantKept {
				if got.renewErr == nil || !got.obtained.Equal(old.obtained) || !got.retryAt.Equal(fail.retryAt) {
					t.Errorf("kept %+v: want the old evidence, its renewal's error, retried with the failure", got)
				}
			} else if !got.lost.Equal(storeT0) {
				t.Errorf("lost %v, want %v", got.lost, storeT0)
			}
		})
	}
}

func TestFailureRetryHasJitter(t *testing.T) {
	c := storeChecker(t, Config{})
	seen := map[time.Time]bool{}
	for range 50 {
		e := failedDNS(c, storeT0, true)
		if d := e.retryAt.Sub(storeT0); d < time.Minute || d >= time.Minute+15*time.Second {
			t.Fatalf("retry after %v, want within [1m, 1m15s)", d)
		}
		seen[e.retryAt] = true
	}
	if len(seen) < 10 {
		t.Errorf("%d distinct retry times in 50 failures: want jitter", len(seen))
	}
}

func TestEncodingRoundTrip(t *testing.T) {
	c := storeChecker(t, Config{})
	dk := dnsKey("examplehealth.com")
	d := goodDNS(c, storeT0)
	d.dns.ttl, d.dns.server = time.Hour, "127.0.0.1:53"
	nf := c.success(&entry{dns: &dnsEvidence{name: "examplehealth.com", notFound: &dnsverify.LookupError{Name: "examplehealth.com", Kind: dnsverify.KindNotFound}}}, storeT0, storeT0.Add(time.Hour))
	tk := tlsKey("app.examplehealth.com", 443)
	tl := c.success(&entry{tls: &tlsEvidence{report: &tlsinspect.Report{Host: "app.examplehealth.com", Port: 443, Type: tlsinspect.OV,
		Organization: "Example Health, Inc.", Revocation: tlsinspect.RevocationGood, NotAfter: storeT0.Add(90 * 24 * time.Hour)},
		refused: []refusal{{Address: "10.0.0.1:80", Reason: "private", Fetch: true}}}}, storeT0, storeT0.Add(11*time.Hour))
	refused := c.failure(&entry{tls: &tlsEvidence{}}, storeT0, ErrRefused, false)
	for _, tc := range []struct {
		k evKey
		e *entry
	}{{dk, d}, {dk, nf}, {tk, tl}, {tk, refused}} {
		data, err := encode(tc.e)
		if err != nil {
			t.Fatal(err)
		}
		got := decode(tc.k, data)
		if got == nil {
			t.Fatalf("%s: decode failed", tc.k.key)
		}
		if !got.obtained.Equal(tc.e.obtained) || !got.expires.Equal(tc.e.expires) || !got.refreshAt.Equal(tc.e.refreshAt) || got.failed != tc.e.failed {
			t.Errorf("%s: lifetime %+v, want %+v", tc.k.key, got, tc.e)
		}
		if tc.e.err != nil && (got.err == nil || got.err.Error() != tc.e.err.Error() || errors.Is(got.err, ErrRefused) != errors.Is(tc.e.err, ErrRefused)) {
			t.Errorf("%s: err %v, want %v", tc.k.key, got.err, tc.e.err)
		}
		if tc.k.tls {
			if !reflect.DeepEqual(got.tls.report, tc.e.tls.report) || !reflect.DeepEqual(got.tls.refused, tc.e.tls.refused) {
				t.Errorf("%s: tls %+v, want %+v", tc.k.key, got.tls, tc.e.tls)
			}
		} else if r, w := got.dnsResult("abc"), tc.e.dnsResult("abc"); r.Status != w.Status || !reflect.DeepEqual(r.Found, w.Found) || r.TTL != w.TTL {
			t.Errorf("%s: result %+v, want %+v", tc.k.key, r, w)
		}
		// Another kind's key, another name, another version: a miss.
		other := tk
		if tc.k.tls {
			other = dk
		}
		if decode(other, data) != nil {
			t.Errorf("%s: decoded under %s", tc.k.key, other.key)
		}
		if !tc.k.tls && decode(dnsKey("other.com"), data) != nil {
			t.Errorf("%s: decoded under another name", tc.k.key)
		}
		data[0]++
		if decode(tc.k, data) != nil {
			t.Errorf("%s: decoded another version", tc.k.key)
		}
	}
}

// FuzzDecode: whatever a shared Cache returns, decoding never panics, and
// what decodes has the evidence its key names.
func FuzzDecode(f *testing.F) {
	c, _ := New(Config{})
	defer c.Close()
	e := goodDNS(c, storeT0)
	good, _ := encode(e)
	f.Add(good)
	f.Add([]byte{wireVersion, '{', '}'})
	f.Add([]byte{wireVersion})
	f.Add([]byte(`{"obtained":"2026-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, k := range []evKey{dnsKey("examplehealth.com"), tlsKey("app.examplehealth.com", 443)} {
			got := decode(k, data)
			if got == nil {
				continue
			}
			if (k.tls && got.tls == nil) || (!k.tls && got.dns == nil) || (got.failed && got.err == nil) {
				t.Fatalf("decoded %+v under %s", got, k.key)
			}
			if !got.failed && k.tls && got.tls.report == nil {
				t.Fatalf("TLS evidence without a report: %+v", got)
			}
		}
	})
}

func TestLRUBoundsMemory(t *testing.T) {
	c := newLRU[string, int](3)
	for i, k := range []string{"a", "b", "c"} {
		c.put(k, i)
	}
	c.get("a") // a is used: it gets a second chance
	c.put("d", 3)
	if _, ok := c.get("b"); ok {
		t.Error("b survived: the key not used lately must go first")
	}
	for _, k := range []string{"a", "c", "d"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s evicted, want it kept", k)
		}
	}
	if n := c.len(); n != 3 {
		t.Errorf("len = %d, want 3", n)
	}
	// Every key used: eviction still ends, dropping one.
	c.put("e", 4)
	if n := c.len(); n != 3 {
		t.Errorf("len = %d after a put with every key used, want 3", n)
	}
	if v, ok := c.get("e"); !ok || v != 4 {
		t.Errorf("e = %d, %v; want the newest key kept", v, ok)
	}
}
