package dnstest

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func newServer(t *testing.T) *Server {
	t.Helper()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func exchange(t *testing.T, s *Server, network, name string, qtype uint16, edns uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	if edns > 0 {
		m.SetEdns0(edns, true)
	}
	c := &dns.Client{Net: network, Timeout: 2 * time.Second, UDPSize: 65535}
	r, _, err := c.Exchange(m, s.Addr())
	if err != nil {
		t.Fatalf("%s %s %s: %v", network, name, dns.TypeToString[qtype], err)
	}
	return r
}

func txts(m *dns.Msg) [][]string {
	var out [][]string
	for _, rr := range m.Answer {
		if t, ok := rr.(*dns.TXT); ok {
			out = append(out, t.Txt)
		}
	}
	return out
}

func TestRcodes(t *testing.T) {
	s := newServer(t)
	s.SetTXT("txt.test", []string{"a", "b"}, []string{"c"})
	s.SetA("addr.test", netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1"))
	s.SetTXT("empty.test")
	s.SetRcode("fail.test", dns.RcodeServerFailure)
	s.SetRcode("refused.test", dns.RcodeRefused)

	for _, network := range []string{"udp", "tcp"} {
		for _, tc := range []struct {
			name  string
			qtype uint16
			rcode int
			n     int
		}{
			{"txt.test", dns.TypeTXT, dns.RcodeSuccess, 2},
			{"TXT.Test.", dns.TypeTXT, dns.RcodeSuccess, 2},
			{"txt.test", dns.TypeA, dns.RcodeSuccess, 0}, // NODATA
			{"addr.test", dns.TypeA, dns.RcodeSuccess, 1},
			{"addr.test", dns.TypeAAAA, dns.RcodeSuccess, 1},
			{"addr.test", dns.TypeTXT, dns.RcodeSuccess, 0},
			{"empty.test", dns.TypeTXT, dns.RcodeSuccess, 0},
			{"absent.test", dns.TypeTXT, dns.RcodeNameError, 0},
			{"fail.test", dns.TypeTXT, dns.RcodeServerFailure, 0},
			{"refused.test", dns.TypeTXT, dns.RcodeRefused, 0},
		} {
			r := exchange(t, s, network, tc.name, tc.qtype, 1232)
			if r.Rcode != tc.rcode || len(r.Answer) != tc.n {
				t.Errorf("%s %s %s: rcode %s, %d answers; want %s, %d", network, tc.name, dns.TypeToString[tc.qtype],
					dns.RcodeToString[r.Rcode], len(r.Answer), dns.RcodeToString[tc.rcode], tc.n)
			}
		}
	}
	r := exchange(t, s, "udp", "txt.test", dns.TypeTXT, 0)
	if got := txts(r); !slices.EqualFunc(got, [][]string{{"a", "b"}, {"c"}}, slices.Equal) {
		t.Errorf("TXT = %q", got)
	}
	if got, want := s.Queries("txt.test.", dns.TypeTXT), 5; got != want {
		t.Errorf("Queries(txt.test, TXT) = %d, want %d", got, want)
	}
	if got := s.TransportQueries("tcp"); got != 10 {
		t.Errorf("TransportQueries(tcp) = %d, want 10", got)
	}
	s.Reset()
	if got := s.TransportQueries("udp") + s.Queries("txt.test", dns.TypeTXT); got != 0 {
		t.Errorf("after Reset: %d queries", got)
	}
	s.Remove("txt.test")
	if r := exchange(t, s, "udp", "txt.test", dns.TypeTXT, 0); r.Rcode != dns.RcodeNameError {
		t.Errorf("after Remove: rcode %s", dns.RcodeToString[r.Rcode])
	}
}

func TestRawBytesRoundTrip(t *testing.T) {
	s := newServer(t)
	raw := "q\"uo\\te \x00\x7f\xff;end"
	s.SetTXT("raw.test", []string{raw})
	got, err := s.Resolver().LookupTXT(context.Background(), "raw.test.")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != raw {
		t.Errorf("LookupTXT = %q, want [%q]", got, raw)
	}
}

func TestTruncation(t *testing.T) {
	s := newServer(t)
	var recs [][]string
	for i := range 40 {
		recs = append(recs, []string{fmt.Sprintf("vendor-%02d-verification=%s", i, strings.Repeat("x", 40))})
	}
	s.SetTXT("big.test", recs...)
	r := exchange(t, s, "udp", "big.test", dns.TypeTXT, 1232)
	if !r.Truncated || len(r.Answer) >= 40 {
		t.Errorf("UDP: TC=%v with %d answers, want TC and fewer than 40", r.Truncated, len(r.Answer))
	}
	r = exchange(t, s, "tcp", "big.test", dns.TypeTXT, 1232)
	if r.Truncated || len(r.Answer) != 40 {
		t.Errorf("TCP: TC=%v with %d answers, want all 40", r.Truncated, len(r.Answer))
	}
	// The Go resolver falls back to TCP on its own.
	got, err := s.Resolver().LookupTXT(context.Background(), "big.test.")
	if err != nil || len(got) != 40 {
		t.Errorf("net.Resolver: %d records, %v", len(got), err)
	}
}

func TestCNAMEAndInjected(t *testing.T) {
	s := newServer(t)
	s.SetCNAME("alias.test", "hop.test")
	s.SetCNAME("hop.test", "target.test")
	s.SetTXT("target.test", []string{"hello"})
	s.SetInjected("alias.test", &dns.TXT{Hdr: dns.RR_Header{Name: "other.test.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 1}, Txt: []string{"x"}})
	r := exchange(t, s, "udp", "alias.test", dns.TypeTXT, 0)
	if len(r.Answer) != 4 {
		t.Fatalf("answer %v, want 2 CNAMEs, a TXT and the injected TXT", r.Answer)
	}
	if c, ok := r.Answer[0].(*dns.CNAME); !ok || c.Target != "hop.test." {
		t.Errorf("first answer %v", r.Answer[0])
	}
	if tx, ok := r.Answer[2].(*dns.TXT); !ok || tx.Hdr.Name != "target.test." || tx.Txt[0] != "hello" {
		t.Errorf("third answer %v", r.Answer[2])
	}
	// A loop is cut off.
	s.SetCNAME("loop1.test", "loop2.test")
	s.SetCNAME("loop2.test", "loop1.test")
	if r := exchange(t, s, "udp", "loop1.test", dns.TypeTXT, 0); r.Rcode != dns.RcodeServerFailure {
		t.Errorf("loop: rcode %s", dns.RcodeToString[r.Rcode])
	}
	// A dangling alias is NXDOMAIN.
	s.SetCNAME("dangling.test", "nowhere.test")
	if r := exchange(t, s, "udp", "dangling.test", dns.TypeTXT, 0); r.Rcode != dns.RcodeNameError || len(r.Answer) != 1 {
		t.Errorf("dangling: rcode %s, %d answers", dns.RcodeToString[r.Rcode], len(r.Answer))
	}
}

func TestFaults(t *testing.T) {
	s := newServer(t)
	s.SetTXT("garbage.test", []string{"x"})
	s.SetGarbage("garbage.test")
	s.SetTXT("wrongid.test", []string{"x"})
	s.SetWrongID("wrongid.test")
	s.SetTXT("slow.test", []string{"x"})
	s.SetDelay("slow.test", 300*time.Millisecond)
	s.SetTTL("slow.test", 42*time.Second)
	s.SetAuthenticated("slow.test", true)

	m := new(dns.Msg)
	m.SetQuestion("garbage.test.", dns.TypeTXT)
	c := &dns.Client{Timeout: time.Second}
	if _, _, err := c.Exchange(m, s.Addr()); err == nil {
		t.Error("garbage: no error")
	}
	m.SetQuestion("wrongid.test.", dns.TypeTXT)
	conn, err := net.Dial("udp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	co := &dns.Conn{Conn: conn}
	if err := co.WriteMsg(m); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	if r, err := co.ReadMsg(); err != nil || r.Id == m.Id || len(r.Answer) != 1 {
		t.Errorf("wrong id: %v, %v (query id %d)", r, err, m.Id)
	}
	m.SetQuestion("slow.test.", dns.TypeTXT)
	c.Timeout = 50 * time.Millisecond
	if _, _, err := c.Exchange(m, s.Addr()); err == nil {
		t.Error("slow with 50ms timeout: no error")
	}
	start := time.Now()
	r := exchange(t, s, "tcp", "slow.test", dns.TypeTXT, 0)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("slow answered in %v", d)
	}
	if len(r.Answer) != 1 || r.Answer[0].Header().Ttl != 42 || !r.AuthenticatedData {
		t.Errorf("slow: %v AD=%v", r.Answer, r.AuthenticatedData)
	}
}

func TestCloseAbandonsDelayed(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	s.SetTXT("slow.test", []string{"x"})
	s.SetDelay("slow.test", time.Hour)
	go func() {
		m := new(dns.Msg)
		m.SetQuestion("slow.test.", dns.TypeTXT)
		_, _, _ = (&dns.Client{Timeout: 3 * time.Second}).Exchange(m, s.Addr())
	}()
	for s.Queries("slow.test", dns.TypeTXT) == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := net.DialTimeout("tcp", s.Addr(), time.Second); err == nil {
		t.Error("TCP still accepting after Close")
	}
}

func TestConcurrentEdits(t *testing.T) {
	s := newServer(t)
	r := s.Resolver()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 20 {
				name := fmt.Sprintf("n%d.test", i)
				s.SetTXT(name, []string{fmt.Sprint(j)})
				got, err := r.LookupTXT(context.Background(), name+".")
				if err != nil || len(got) != 1 {
					t.Errorf("%s: %q %v", name, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain":    "plain",
		`a"b\c`:    `a\"b\\c`,
		"\x00\xff": `\000\255`,
		"":         "",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMappedAddressesAnswerAAAA: an IPv4-mapped IPv6 address
// (::ffff:127.0.0.1) is an IPv6 address: it answers AAAA queries, in its
// 16-byte form, and not A queries, so tests can serve the SSRF classic.
func TestMappedAddressesAnswerAAAA(t *testing.T) {
	s := newServer(t)
	mapped := netip.MustParseAddr("::ffff:127.0.0.1")
	s.SetA("mapped.test", mapped)
	for _, network := range []string{"udp", "tcp"} {
		r := exchange(t, s, network, "mapped.test", dns.TypeAAAA, 1232)
		if len(r.Answer) != 1 {
			t.Fatalf("%s AAAA: %d answers, want 1", network, len(r.Answer))
		}
		aaaa, ok := r.Answer[0].(*dns.AAAA)
		if !ok || len(aaaa.AAAA) != net.IPv6len {
			t.Fatalf("%s AAAA: answer %v; want an AAAA record of 16 bytes", network, r.Answer[0])
		}
		if got, _ := netip.AddrFromSlice(aaaa.AAAA); got != mapped {
			t.Errorf("%s AAAA = %v, want %v", network, got, mapped)
		}
		if r := exchange(t, s, network, "mapped.test", dns.TypeA, 1232); len(r.Answer) != 0 {
			t.Errorf("%s A: %v; want no record", network, r.Answer)
		}
	}
	ips, err := s.Resolver().LookupNetIP(context.Background(), "ip", "mapped.test")
	if err != nil || len(ips) != 1 || ips[0].Unmap() != mapped.Unmap() {
		t.Errorf("Resolver().LookupNetIP(ip) = %v, %v; want %v", ips, err, mapped)
	}
}

func TestIntercept(t *testing.T) {
	s := newServer(t)
	s.SetTXT("txt.test", []string{"a"})
	var mu sync.Mutex
	var seen []string
	n := 0
	s.SetIntercept(func(name string, qtype uint16) int {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, fmt.Sprintf("%s %s", name, dns.TypeToString[qtype]))
		n++
		if n%2 == 0 {
			return dns.RcodeServerFailure
		}
		return 0
	})
	// Every second query fails; the others answer from the zone. Failed
	// queries are counted as queries.
	for i, want := range []int{dns.RcodeSuccess, dns.RcodeServerFailure, dns.RcodeSuccess, dns.RcodeServerFailure} {
		r := exchange(t, s, "udp", "TXT.test", dns.TypeTXT, 0)
		if r.Rcode != want {
			t.Errorf("query %d: rcode %s, want %s", i, dns.RcodeToString[r.Rcode], dns.RcodeToString[want])
		}
		if wantN := map[bool]int{true: 1, false: 0}[want == dns.RcodeSuccess]; len(r.Answer) != wantN {
			t.Errorf("query %d: %d answers, want %d", i, len(r.Answer), wantN)
		}
	}
	// A name not in the zone is asked about too.
	if r := exchange(t, s, "tcp", "absent.test", dns.TypeA, 0); r.Rcode != dns.RcodeNameError {
		t.Errorf("absent.test (5th query, passed): rcode %s, want NXDOMAIN", dns.RcodeToString[r.Rcode])
	}
	if got := s.Queries("txt.test", dns.TypeTXT); got != 4 {
		t.Errorf("Queries = %d, want 4 (failed ones included)", got)
	}
	mu.Lock()
	if want := []string{"txt.test. TXT", "txt.test. TXT", "txt.test. TXT", "txt.test. TXT", "absent.test. A"}; !slices.Equal(seen, want) {
		t.Errorf("intercept saw %q, want %q", seen, want)
	}
	mu.Unlock()
	s.SetIntercept(nil)
	for range 2 {
		if r := exchange(t, s, "udp", "txt.test", dns.TypeTXT, 0); r.Rcode != dns.RcodeSuccess {
			t.Errorf("after SetIntercept(nil): rcode %s", dns.RcodeToString[r.Rcode])
		}
	}
}
