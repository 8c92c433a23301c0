package dnsverify

import (
	"context"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// BenchmarkVerifyClient and BenchmarkBareExchange measure the same query
// against the same loopback server: a verified lookup through Verifier and
// the default Client, and a bare dns.Client.Exchange of the query (EDNS0,
// DO bit, over UDP) that does nothing with the answer. Their ratio is the
// Client's overhead.
func BenchmarkVerifyClient(b *testing.B) {
	srv := newServer(b)
	srv.SetTXT("bench.test", []string{"v=spf1 -all"}, []string{"cerner-client-id=" + testID})
	v := &Verifier{Resolver: &Client{Servers: []string{srv.Addr()}}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if res := v.Verify(ctx, "bench.test", testID); res.Status != StatusVerified {
			b.Fatal(res.Status, res.Err)
		}
	}
}

func BenchmarkBareExchange(b *testing.B) {
	srv := newServer(b)
	srv.SetTXT("bench.test", []string{"v=spf1 -all"}, []string{"cerner-client-id=" + testID})
	c := &dns.Client{UDPSize: udpSize}
	b.ReportAllocs()
	for b.Loop() {
		m := new(dns.Msg)
		m.SetQuestion("bench.test.", dns.TypeTXT)
		m.SetEdns0(udpSize, true)
		r, _, err := c.Exchange(m, srv.Addr())
		if err != nil || len(r.Answer) != 2 {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyNetResolver is the same lookup through *net.Resolver, for
// comparison.
func BenchmarkVerifyNetResolver(b *testing.B) {
	srv := newServer(b)
	srv.SetTXT("bench.test", []string{"v=spf1 -all"}, []string{"cerner-client-id=" + testID})
	v := &Verifier{Resolver: srv.Resolver()}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if res := v.Verify(ctx, "bench.test", testID); res.Status != StatusVerified {
			b.Fatal(res.Status, res.Err)
		}
	}
}

func BenchmarkParseAnswer(b *testing.B) {
	m := reply(nil, txtRR("example.com.", 300, "v=spf1 -all"), txtRR("example.com.", 300, "cerner-client-id="+testID))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseAnswer(m, testQ, defaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyVsBare interleaves the two lookups of BenchmarkVerifyClient
// and BenchmarkBareExchange in one loop, so that load from elsewhere on the
// machine hits both alike, and reports their ratio (client/bare).
func BenchmarkVerifyVsBare(b *testing.B) {
	srv := newServer(b)
	srv.SetTXT("bench.test", []string{"v=spf1 -all"}, []string{"cerner-client-id=" + testID})
	v := &Verifier{Resolver: &Client{Servers: []string{srv.Addr()}}}
	c := &dns.Client{UDPSize: udpSize}
	ctx := context.Background()
	verify := func() {
		if res := v.Verify(ctx, "bench.test", testID); res.Status != StatusVerified {
			b.Fatal(res.Status, res.Err)
		}
	}
	exchange := func() {
		m := new(dns.Msg)
		m.SetQuestion("bench.test.", dns.TypeTXT)
		m.SetEdns0(udpSize, true)
		if r, _, err := c.Exchange(m, srv.Addr()); err != nil || len(r.Answer) != 2 {
			b.Fatal(err)
		}
	}
	var client, bare time.Duration
	i := 0
	for b.Loop() {
		i++
		if i%2 == 0 { // alternate the order, so neither always goes first
			t0 := time.Now()
			verify()
			t1 := time.Now()
			exchange()
			client, bare = client+t1.Sub(t0), bare+time.Since(t1)
		} else {
			t0 := time.Now()
			exchange()
			t1 := time.Now()
			verify()
			bare, client = bare+t1.Sub(t0), client+time.Since(t1)
		}
	}
	b.ReportMetric(float64(client.Nanoseconds())/float64(b.N), "client-ns/op")
	b.ReportMetric(float64(bare.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(client)/float64(bare), "ratio")
}
