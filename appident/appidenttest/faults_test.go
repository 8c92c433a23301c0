package appidenttest_test

import (
	"context"
	"crypto/tls"
	"math"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"

	"github.com/consenttrust/appverify/appident/appidenttest"
)

// dnsOutcomes sends n TXT queries for name, one after the other, and
// returns which failed (SERVFAIL).
func dnsOutcomes(t *testing.T, w *appidenttest.World, name string, n int) []bool {
	t.Helper()
	c := &dns.Client{Timeout: 2 * time.Second}
	out := make([]bool, n)
	for i := range out {
		m := new(dns.Msg)
		m.SetQuestion(dns.Fqdn(name), dns.TypeTXT)
		r, _, err := c.Exchange(m, w.DNSAddr())
		if err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		switch r.Rcode {
		case dns.RcodeServerFailure:
			out[i] = true
		case dns.RcodeSuccess:
			if len(r.Answer) != 1 {
				t.Fatalf("query %d: %d records, want the site's 1", i, len(r.Answer))
			}
		default:
			t.Fatalf("query %d: rcode %s", i, dns.RcodeToString[r.Rcode])
		}
	}
	return out
}

// tlsOutcomes makes n connections to host through the world's dialer, one
// after the other, and returns which failed their handshake.
func tlsOutcomes(t *testing.T, w *appidenttest.World, host string, n int) []bool {
	t.Helper()
	out := make([]bool, n)
	for i := range out {
		conn, err := w.Dialer().DialContext(context.Background(), "tcp", host+":443")
		if err != nil {
			t.Fatalf("connection %d: dial: %v", i, err)
		}
		tc := tls.Client(conn, &tls.Config{ServerName: host, RootCAs: w.Roots()})
		_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
		out[i] = tc.Handshake() != nil
		tc.Close()
	}
	return out
}

func count(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}

// faultyWorld is a world with one site, its faults set after it was added.
func faultyWorld(t *testing.T, f appidenttest.Faults) (*appidenttest.World, *appidenttest.Site) {
	t.Helper()
	w := appidenttest.New(t)
	site, err := w.AddSite(appidenttest.SiteOptions{Host: "app.flakyhealth.com", ClientIDs: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := site.SetFaults(f); err != nil {
		t.Fatal(err)
	}
	return w, site
}

func TestSeededFaultsAreDeterministic(t *testing.T) {
	const n = 40
	f := appidenttest.Faults{DNS: 0.3, TLS: 0.5, Seed: 42}
	w1, s1 := faultyWorld(t, f)
	w2, s2 := faultyWorld(t, f)
	d1, d2 := dnsOutcomes(t, w1, "flakyhealth.com", n), dnsOutcomes(t, w2, "flakyhealth.com", n)
	c1, c2 := tlsOutcomes(t, w1, "app.flakyhealth.com", n), tlsOutcomes(t, w2, "app.flakyhealth.com", n)
	assert.Equal(t, d1, d2, "DNS failures of the same seed")
	assert.Equal(t, c1, c2, "TLS failures of the same seed")
	// The fractions hold roughly (the draws are random, fixed by the seed).
	if got := count(d1); got < n*15/100 || got > n*45/100 {
		t.Errorf("%d of %d DNS queries failed at fraction 0.3", got, n)
	}
	if got := count(c1); got < n*35/100 || got > n*65/100 {
		t.Errorf("%d of %d TLS connections failed at fraction 0.5", got, n)
	}
	if s1.FailedDNSQueries() != count(d1) || s1.FailedTLSConns() != count(c1) {
		t.Errorf("counted %d DNS and %d TLS failures; the clients saw %d and %d",
			s1.FailedDNSQueries(), s1.FailedTLSConns(), count(d1), count(c1))
	}
	if s1.Handshakes() != n-count(c1) || s1.Accepted() != n {
		t.Errorf("%d handshakes of %d connections; want %d of %d", s1.Handshakes(), s1.Accepted(), n-count(c1), n)
	}
	if w1.DNSQueries("flakyhealth.com") != n {
		t.Errorf("DNSQueries = %d, want %d: failed queries count too", w1.DNSQueries("flakyhealth.com"), n)
	}
	// Another seed fails other queries; setting the faults again restarts
	// the draws.
	if err := s2.SetFaults(appidenttest.Faults{DNS: 0.3, TLS: 0.5, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	assert.NotEqual(t, d1, dnsOutcomes(t, w2, "flakyhealth.com", n), "seeds 42 and 7 failed the same DNS queries")
	assert.NotEqual(t, c1, tlsOutcomes(t, w2, "app.flakyhealth.com", n), "seeds 42 and 7 failed the same TLS connections")
	if err := s2.SetFaults(f); err != nil {
		t.Fatal(err)
	}
	assert.Equal(t, d1, dnsOutcomes(t, w2, "flakyhealth.com", n), "DNS failures after setting seed 42 again")
	assert.Equal(t, c1, tlsOutcomes(t, w2, "app.flakyhealth.com", n), "TLS failures after setting seed 42 again")
}

func TestFaultsAllNoneAndCleared(t *testing.T) {
	w, site := faultyWorld(t, appidenttest.Faults{DNS: 1, TLS: 1})
	if got := count(dnsOutcomes(t, w, "flakyhealth.com", 5)); got != 5 {
		t.Errorf("DNS fraction 1: %d of 5 failed", got)
	}
	if got := count(tlsOutcomes(t, w, "app.flakyhealth.com", 5)); got != 5 {
		t.Errorf("TLS fraction 1: %d of 5 failed", got)
	}
	if err := site.SetFaults(appidenttest.Faults{}); err != nil {
		t.Fatal(err)
	}
	if got := count(dnsOutcomes(t, w, "flakyhealth.com", 5)); got != 0 {
		t.Errorf("faults cleared: %d of 5 DNS queries failed", got)
	}
	if got := count(tlsOutcomes(t, w, "app.flakyhealth.com", 5)); got != 0 {
		t.Errorf("faults cleared: %d of 5 TLS connections failed", got)
	}
	if site.FailedDNSQueries() != 0 || site.FailedTLSConns() != 0 {
		t.Errorf("counts after clearing: %d, %d; want 0, 0", site.FailedDNSQueries(), site.FailedTLSConns())
	}
	// Other names are not affected by a site's DNS faults.
	if err := site.SetFaults(appidenttest.Faults{DNS: 1}); err != nil {
		t.Fatal(err)
	}
	w.SetTXT("otherhealth.com", []string{"x"})
	if got := count(dnsOutcomes(t, w, "otherhealth.com", 3)); got != 0 {
		t.Errorf("another name: %d of 3 failed", got)
	}
}

func TestFaultsAtAddSiteAndBadFractions(t *testing.T) {
	w := appidenttest.New(t)
	site, err := w.AddSite(appidenttest.SiteOptions{Host: "app.flakyhealth.com", ClientIDs: []string{"id"},
		Faults: appidenttest.Faults{DNS: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if got := count(dnsOutcomes(t, w, "flakyhealth.com", 2)); got != 2 {
		t.Errorf("faults given at AddSite: %d of 2 failed", got)
	}
	// A second site on the same eTLD+1 without faults leaves them alone.
	if _, err := w.AddSite(appidenttest.SiteOptions{Host: "www.flakyhealth.com"}); err != nil {
		t.Fatal(err)
	}
	if got := count(dnsOutcomes(t, w, "flakyhealth.com", 2)); got != 2 {
		t.Errorf("after adding a sibling site: %d of 2 failed", got)
	}
	for _, f := range []appidenttest.Faults{{DNS: -0.1}, {TLS: 1.5}, {DNS: 2}, {TLS: math.NaN()}} {
		if err := site.SetFaults(f); err == nil {
			t.Errorf("SetFaults(%+v) succeeded; want an error", f)
		}
		if _, err := w.AddSite(appidenttest.SiteOptions{Host: "app.badfraction.com", Faults: f}); err == nil {
			t.Errorf("AddSite with faults %+v succeeded; want an error", f)
		}
	}
}
