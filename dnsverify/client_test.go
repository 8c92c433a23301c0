package dnsverify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consenttrust/appverify/internal/dnstest"
	"github.com/miekg/dns"
)

const testID = "bxdcd0ff-5der-4c15-b2tf-r28b105aa845"

func newServer(t testing.TB) *dnstest.Server {
	t.Helper()
	s, err := dnstest.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// closedAddr returns a loopback address nothing listens on (UDP or TCP).
func closedAddr(t testing.TB) string {
	t.Helper()
	s, err := dnstest.New()
	if err != nil {
		t.Fatal(err)
	}
	addr := s.Addr()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// bigSet returns n vendor records of about 60 bytes, as sit at a busy apex.
func bigSet(n int) [][]string {
	var recs [][]string
	for i := range n {
		recs = append(recs, []string{fmt.Sprintf("vendor%02d-site-verification=%s", i, strings.Repeat("k", 32))})
	}
	return recs
}

// flavours are the resolvers every outcome is checked through.
type flavour struct {
	name string
	// resolver returns a Resolver that asks srv, with timeout bounding a try.
	resolver func(srv *dnstest.Server, timeout time.Duration) Resolver
	// client reports whether it is the Client (else *net.Resolver).
	client bool
}

var flavours = []flavour{
	{"Client", func(srv *dnstest.Server, timeout time.Duration) Resolver {
		return &Client{Servers: []string{srv.Addr()}, Timeout: timeout, Attempts: 1}
	}, true},
	{"net.Resolver", func(srv *dnstest.Server, _ time.Duration) Resolver {
		return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, srv.Addr())
		}}
	}, false},
}

// kindOfErr returns the Kind of a *LookupError, or -1.
func kindOfErr(err error) Kind {
	var le *LookupError
	if errors.As(err, &le) {
		return le.Kind
	}
	return -1
}

func TestVerifyOutcomes(t *testing.T) {
	srv := newServer(t)
	spf := []string{"v=spf1 -all"}
	srv.SetTXT("verified.test", spf, []string{"cerner-client-id=" + testID})
	srv.SetTXT("mismatch.test", spf, []string{"cerner-client-id=someone-else"})
	srv.SetTXT("others.test", spf, []string{"google-site-verification=x"})
	srv.SetA("nodata.test", netip.MustParseAddr("192.0.2.1"))
	srv.SetRcode("servfail.test", dns.RcodeServerFailure)
	srv.SetRcode("refused.test", dns.RcodeRefused)
	srv.SetTXT("slow.test", []string{"cerner-client-id=" + testID})
	srv.SetDelay("slow.test", 2*time.Second)
	srv.SetTXT("garbage.test", []string{"cerner-client-id=" + testID})
	srv.SetGarbage("garbage.test")
	srv.SetTXT("wrongid.test", []string{"cerner-client-id=" + testID})
	srv.SetWrongID("wrongid.test")
	srv.SetTXT("big.test", append(bigSet(40), []string{"cerner-client-id=" + testID})...)
	srv.SetCNAME("alias.test", "hop.alias.test")
	srv.SetCNAME("hop.alias.test", "target.other.test")
	srv.SetTXT("target.other.test", []string{"cerner-client-id=" + testID})
	// Foreign records in the answer carry our id: they must not count.
	srv.SetTXT("injected.test", []string{"cerner-client-id=someone-else"})
	srv.SetInjected("injected.test",
		&dns.TXT{Hdr: dns.RR_Header{Name: "evil.test.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{"cerner-client-id=" + testID}})
	srv.SetTXT("split.test", []string{"cerner-client-id=bxdcd0ff-5der-", "4c15-b2tf-r28b105aa845"})
	srv.SetTXT("quoted.test", []string{`cerner-client-id="` + testID + `"`})

	const none Kind = -1
	for _, fl := range flavours {
		for _, tc := range []struct {
			name    string
			status  Status
			kind    Kind // through the Client
			netKind Kind // through *net.Resolver, which tells less
			found   []string
			netSkip string // why the case does not apply to *net.Resolver
		}{
			{"verified.test", StatusVerified, none, none, []string{testID}, ""},
			{"VERIFIED.test.", StatusVerified, none, none, []string{testID}, ""},
			{"mismatch.test", StatusMismatch, none, none, []string{"someone-else"}, ""},
			{"others.test", StatusNotFound, none, none, []string{}, ""},
			{"nxdomain.test", StatusNotFound, KindNotFound, KindNotFound, []string{}, ""},
			{"nodata.test", StatusNotFound, KindNotFound, KindNotFound, []string{}, ""},
			{"servfail.test", StatusError, KindServFail, KindServFail, []string{}, ""},
			// *net.Resolver reports REFUSED as "server misbehaving" with no flag.
			{"refused.test", StatusError, KindRefused, KindRcode, []string{}, ""},
			{"slow.test", StatusError, KindUnreachable, KindTimeout, []string{}, ""},
			{"garbage.test", StatusError, KindMalformed, none, []string{}, "the Go resolver ignores an unparsable reply and waits"},
			// Both ignore a reply with another ID, as a spoofing attempt, and wait.
			{"wrongid.test", StatusError, KindUnreachable, KindTimeout, []string{}, ""},
			{"big.test", StatusVerified, none, none, []string{testID}, ""},
			{"alias.test", StatusVerified, none, none, []string{testID}, ""},
			{"injected.test", StatusMismatch, none, none, []string{"someone-else"},
				"the Go resolver returns TXT records of every owner name in the answer"},
			{"split.test", StatusVerified, none, none, []string{testID}, ""},
			{"quoted.test", StatusVerified, none, none, []string{testID}, ""},
		} {
			t.Run(fl.name+"/"+tc.name, func(t *testing.T) {
				if !fl.client && tc.netSkip != "" {
					t.Skip(tc.netSkip)
				}
				t.Parallel()
				// The budget is generous for a loaded machine; slow.test (2s)
				// exceeds it, and the Client's 300ms try ends sooner.
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				v := Verifier{Resolver: fl.resolver(srv, 300*time.Millisecond)}
				res := v.Verify(ctx, tc.name, testID)
				if res.Status != tc.status || !slices.Equal(res.Found, tc.found) || res.Found == nil {
					t.Fatalf("Verify(%s) = %v %#v (err %v); want %v %q", tc.name, res.Status, res.Found, res.Err, tc.status, tc.found)
				}
				if res.Name != tc.name || res.Want != testID {
					t.Errorf("Name, Want = %q, %q", res.Name, res.Want)
				}
				want := tc.kind
				if !fl.client {
					want = tc.netKind
				}
				if want == none {
					if res.Err != nil {
						t.Errorf("Err = %v", res.Err)
					}
					return
				}
				var le *LookupError
				if !errors.As(res.Err, &le) || le.Kind != want {
					t.Fatalf("Err = %#v, want a *LookupError of Kind %v", res.Err, want)
				}
				if IsNotFound(res.Err) != (want == KindNotFound) || IsTemporary(res.Err) != want.temporary() {
					t.Errorf("IsNotFound, IsTemporary = %v, %v for %v", IsNotFound(res.Err), IsTemporary(res.Err), want)
				}
				if fl.client {
					if !slices.Equal(le.Servers, []string{srv.Addr()}) || le.Server != srv.Addr() || le.Resolver != "" {
						t.Errorf("Servers %q, Server %q, Resolver %q; want %s", le.Servers, le.Server, le.Resolver, srv.Addr())
					}
				} else if !strings.Contains(le.Resolver, "*net.Resolver") || !strings.Contains(le.Error(), "custom Dial") {
					t.Errorf("Resolver %q: the configuration used is not named in %q", le.Resolver, le.Error())
				}
			})
		}
	}
}

func TestClientKinds(t *testing.T) {
	srv := newServer(t)
	srv.SetA("nodata.test", netip.MustParseAddr("192.0.2.1"))
	c := &Client{Servers: []string{srv.Addr()}, Timeout: time.Second}
	ctx := context.Background()
	_, err := c.LookupTXT(ctx, "nxdomain.test")
	var le *LookupError
	if !errors.As(err, &le) || le.Kind != KindNotFound || le.Rcode != dns.RcodeNameError || le.Server != srv.Addr() || le.Name != "nxdomain.test" {
		t.Errorf("NXDOMAIN: %#v", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "dnsverify: ") || !strings.Contains(msg, "NXDOMAIN") {
		t.Errorf("message %q", msg)
	}
	_, err = c.LookupTXT(ctx, "nodata.test")
	if !errors.As(err, &le) || le.Kind != KindNotFound || le.Rcode != dns.RcodeSuccess || !IsNotFound(err) {
		t.Errorf("NODATA: %#v", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "dnsverify: ") || !strings.Contains(msg, "NODATA") {
		t.Errorf("message %q", msg)
	}
	if _, err := c.LookupTXT(ctx, strings.Repeat("a", 64)+".test"); kindOfErr(err) != KindInvalidName {
		t.Errorf("long label: %v", err)
	}
	if got := srv.Queries("nxdomain.test", dns.TypeTXT); got != 1 {
		t.Errorf("NXDOMAIN asked %d times, want 1 (an answer is not retried)", got)
	}
}

func TestClientDetails(t *testing.T) {
	srv := newServer(t)
	srv.SetTXT("d.test", []string{"cerner-client-id=a", "bc"}, []string{"q\"\\\x00\xff"})
	srv.SetTTL("d.test", 42*time.Second)
	srv.SetAuthenticated("d.test", true)
	c := &Client{Servers: []string{srv.Addr()}}
	v := &Verifier{Resolver: c}
	a, err := v.Lookup(context.Background(), "d.test")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"cerner-client-id=a", "bc"}, {"q\"\\\x00\xff"}}
	if !slices.EqualFunc(a.Records, want, slices.Equal) {
		t.Errorf("Records = %q, want %q (raw bytes)", a.Records, want)
	}
	if a.TTL != 42*time.Second || !a.Authenticated || a.Server != srv.Addr() || a.Name != "d.test" {
		t.Errorf("Answer = %+v", a)
	}
	txt, err := c.LookupTXT(context.Background(), "d.test")
	if err != nil || !slices.Equal(txt, []string{"cerner-client-id=abc", "q\"\\\x00\xff"}) {
		t.Errorf("LookupTXT = %q, %v", txt, err)
	}
	// The Verifier carries the details through.
	res := v.Verify(context.Background(), "d.test", "abc")
	if res.Status != StatusVerified || res.TTL != 42*time.Second || !res.Authenticated || res.Server != srv.Addr() {
		t.Errorf("Result = %+v", res)
	}
	// A CNAME's smaller TTL bounds the answer's.
	srv.SetCNAME("alias.test", "d.test")
	srv.SetTTL("alias.test", 5*time.Second)
	if a, err := v.Lookup(context.Background(), "alias.test"); err != nil || a.TTL != 5*time.Second || a.Name != "d.test" {
		t.Errorf("alias: %+v, %v", a, err)
	}
}

func TestClientTruncationFallsBackToTCP(t *testing.T) {
	srv := newServer(t)
	srv.SetTXT("big.test", append(bigSet(40), []string{"cerner-client-id=" + testID})...)
	c := &Client{Servers: []string{srv.Addr()}}
	txt, err := c.LookupTXT(context.Background(), "big.test")
	if err != nil || len(txt) != 41 {
		t.Fatalf("big: %d records, %v", len(txt), err)
	}
	if u, tc := srv.TransportQueries("udp"), srv.TransportQueries("tcp"); u != 1 || tc != 1 {
		t.Errorf("queries: %d over UDP, %d over TCP; want 1 and 1", u, tc)
	}
	// The record cap: 256 records are read, 257 make the answer malformed.
	srv.SetTXT("cap.test", bigSet(256)...)
	if txt, err := c.LookupTXT(context.Background(), "cap.test"); err != nil || len(txt) != 256 {
		t.Errorf("256 records: %d, %v", len(txt), err)
	}
	srv.SetTXT("cap.test", bigSet(257)...)
	if _, err := c.LookupTXT(context.Background(), "cap.test"); kindOfErr(err) != KindMalformed {
		t.Errorf("257 records: %v", err)
	}
	// A small answer does not touch TCP.
	srv.Reset()
	srv.SetTXT("small.test", []string{"cerner-client-id=x"})
	if _, err := c.LookupTXT(context.Background(), "small.test"); err != nil || srv.TransportQueries("tcp") != 0 {
		t.Errorf("small: %v, %d TCP queries", err, srv.TransportQueries("tcp"))
	}
}

func TestClientCNAMEChain(t *testing.T) {
	srv := newServer(t)
	// Eight links, the most followed.
	for i := range 8 {
		srv.SetCNAME(fmt.Sprintf("l%d.test", i), fmt.Sprintf("l%d.test", i+1))
	}
	srv.SetTXT("l8.test", []string{"cerner-client-id=x"})
	if a, err := (&Verifier{Resolver: &Client{Servers: []string{srv.Addr()}}}).Lookup(context.Background(), "l0.test"); err != nil || a.Name != "l8.test" {
		t.Errorf("8 links: %+v, %v", a, err)
	}
	// A chain to a name without TXT records is NODATA; to no name, NXDOMAIN.
	srv.SetCNAME("dangling.test", "nowhere.test")
	if _, err := (&Client{Servers: []string{srv.Addr()}}).LookupTXT(context.Background(), "dangling.test"); !IsNotFound(err) {
		t.Errorf("dangling: %v", err)
	}
}

func TestClientUnreachable(t *testing.T) {
	// The refusal comes back as an ICMP port unreachable, which the kernel
	// may drop under a burst of them from parallel tests, or the port may be
	// taken again in between: allow three fresh pairs of ports.
	var c *Client
	var le *LookupError
	for range 3 {
		c = &Client{Servers: []string{closedAddr(t), closedAddr(t)}, Timeout: 500 * time.Millisecond}
		start := time.Now()
		_, err := c.LookupTXT(context.Background(), "x.test")
		if !errors.As(err, &le) {
			t.Fatalf("closed ports: %#v", err)
		}
		if d := time.Since(start); le.Kind == KindUnreachable && d < 400*time.Millisecond {
			break // every try refused at once
		}
	}
	if le.Kind != KindUnreachable || !IsTemporary(le) || IsNotFound(le) || !slices.Equal(le.Servers, c.Servers) {
		t.Errorf("closed ports: %v (Servers %q)", le, le.Servers)
	}
	if msg := le.Error(); !strings.Contains(msg, "no server answered") || !strings.Contains(msg, c.Servers[0]) || !strings.Contains(msg, c.Servers[1]) {
		t.Errorf("message %q does not name the servers asked", msg)
	}
	// A dial that fails before sending is unreachable too.
	if _, err := (&Client{Servers: []string{"127.0.0.1:99999"}}).LookupTXT(context.Background(), "x.test"); kindOfErr(err) != KindUnreachable {
		t.Errorf("bad port: %v", err)
	}
	// Through *net.Resolver too: temporary.
	addr := c.Servers[0]
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	res := (&Verifier{Resolver: r}).Verify(ctx, "x.test", "a")
	if res.Status != StatusError || !IsTemporary(res.Err) {
		t.Errorf("net.Resolver, closed port: %v %v", res.Status, res.Err)
	}
}

func TestClientFailover(t *testing.T) {
	bad, good := newServer(t), newServer(t)
	bad.SetRcode("f.test", dns.RcodeServerFailure)
	good.SetTXT("f.test", []string{"cerner-client-id=" + testID})
	c := &Client{Servers: []string{closedAddr(t), bad.Addr(), good.Addr()}, Timeout: time.Second}
	res := (&Verifier{Resolver: c}).Verify(context.Background(), "f.test", testID)
	if res.Status != StatusVerified || res.Server != good.Addr() {
		t.Errorf("failover: %v from %q (%v)", res.Status, res.Server, res.Err)
	}
	// Every server failing, after Attempts rounds.
	c = &Client{Servers: []string{bad.Addr()}, Attempts: 3}
	_, err := c.LookupTXT(context.Background(), "f.test")
	if kindOfErr(err) != KindServFail {
		t.Errorf("all failing: %v", err)
	}
	if got := bad.Queries("f.test", dns.TypeTXT); got != 1+3 {
		t.Errorf("bad server asked %d times, want 4", got)
	}
	// NXDOMAIN from the first server ends the lookup.
	good.Reset()
	c = &Client{Servers: []string{good.Addr(), bad.Addr()}}
	if _, err := c.LookupTXT(context.Background(), "gone.test"); !IsNotFound(err) || bad.Queries("gone.test", dns.TypeTXT) != 0 {
		t.Errorf("NXDOMAIN then: %v, second server asked %d times", err, bad.Queries("gone.test", dns.TypeTXT))
	}
}

// TestClientMostTellingCause: when every try fails, the error is the most
// telling failure, not the last one: an answer (SERVFAIL, REFUSED) beats a
// later silence, and the servers asked are named.
func TestClientMostTellingCause(t *testing.T) {
	refusing, slow := newServer(t), newServer(t)
	refusing.SetRcode("m.test", dns.RcodeRefused)
	slow.SetTXT("m.test", []string{"cerner-client-id=x"})
	slow.SetDelay("m.test", 2*time.Second)
	closed := closedAddr(t)
	c := &Client{Servers: []string{refusing.Addr(), slow.Addr(), closed}, Timeout: 200 * time.Millisecond}
	_, err := c.LookupTXT(context.Background(), "m.test")
	var le *LookupError
	if !errors.As(err, &le) || le.Kind != KindRefused || le.Server != refusing.Addr() || !IsTemporary(err) {
		t.Fatalf("REFUSED then timeouts: %v", err)
	}
	if !slices.Equal(le.Servers, c.Servers) {
		t.Errorf("Servers = %q, want %q", le.Servers, c.Servers)
	}
	for _, s := range c.Servers {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q does not name %s", err, s)
		}
	}
	// Only silence: unreachable, the timeout as the cause.
	c = &Client{Servers: []string{slow.Addr()}, Timeout: 200 * time.Millisecond, Attempts: 1}
	if _, err := c.LookupTXT(context.Background(), "m.test"); !errors.As(err, &le) || le.Kind != KindUnreachable || le.Server != slow.Addr() {
		t.Errorf("timeout only: %v", err)
	}
}

func TestContextCancellation(t *testing.T) {
	srv := newServer(t)
	srv.SetTXT("slow.test", []string{"cerner-client-id=x"})
	srv.SetDelay("slow.test", 5*time.Second)
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			start := time.Now()
			res := (&Verifier{Resolver: fl.resolver(srv, 10*time.Second)}).Verify(ctx, "slow.test", "x")
			if d := time.Since(start); d > time.Second {
				t.Errorf("canceled lookup took %v", d)
			}
			if res.Status != StatusError || !errors.Is(res.Err, context.Canceled) || kindOfErr(res.Err) != KindCanceled {
				t.Errorf("canceled: %v %v", res.Status, res.Err)
			}
		})
	}
	// An already canceled context asks nobody.
	srv.Reset()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := (&Client{Servers: []string{srv.Addr()}}).LookupTXT(ctx, "slow.test")
	if kindOfErr(err) != KindCanceled || srv.TransportQueries("udp") != 0 {
		t.Errorf("pre-canceled: %v, %d queries", err, srv.TransportQueries("udp"))
	}
	// A context deadline during a try: no server answered in time.
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = (&Client{Servers: []string{srv.Addr()}}).LookupTXT(ctx, "slow.test")
	if kindOfErr(err) != KindUnreachable || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}
	// A deadline already past: a timeout, nobody asked.
	_, err = (&Client{Servers: []string{srv.Addr()}}).LookupTXT(ctx, "slow.test")
	if kindOfErr(err) != KindTimeout || !IsTemporary(err) {
		t.Errorf("past deadline: %v", err)
	}
}

func TestVerifierInvalidAndDefault(t *testing.T) {
	var v Verifier
	for _, name := range []string{"", ".", "a..b", strings.Repeat("a", 64) + ".test"} {
		res := v.Verify(context.Background(), name, "x")
		if res.Status != StatusError || kindOfErr(res.Err) != KindInvalidName || res.Found == nil {
			t.Errorf("Verify(%q) = %+v", name, res)
		}
	}
	// The zero Verifier asks the system's servers: with a canceled context
	// it must fail as canceled, without touching the network.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res := v.Verify(ctx, "example.com", "x"); res.Status != StatusError || !errors.Is(res.Err, context.Canceled) {
		t.Errorf("zero Verifier: %+v", res)
	}
}
func TestClientServers(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(conf, []byte("search corp.test\nnameserver 192.0.2.53\nnameserver 2001:db8::53\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c    Client
		want []string
	}{
		{Client{ResolvConf: conf}, []string{"192.0.2.53:53", "[2001:db8::53]:53"}},
		{Client{ResolvConf: filepath.Join(dir, "missing")}, []string{"127.0.0.1:53", "[::1]:53"}},
		{Client{Servers: []string{"192.0.2.1", "192.0.2.2:5353", "[2001:db8::1]"}}, []string{"192.0.2.1:53", "192.0.2.2:5353", "[2001:db8::1]:53"}},
	} {
		if got := tc.c.servers(); !slices.Equal(got, tc.want) {
			t.Errorf("servers() = %q, want %q", got, tc.want)
		}
	}
	orig := []string{"192.0.2.1"}
	_ = (&Client{Servers: orig}).servers()
	if orig[0] != "192.0.2.1" {
		t.Error("servers() modified Client.Servers")
	}
}

func TestErrorClassification(t *testing.T) {
	for _, tc := range []struct {
		err       error
		notFound  bool
		temporary bool
	}{
		{nil, false, false},
		{errors.New("other"), false, false},
		{&LookupError{Kind: KindNotFound}, true, false},
		{&LookupError{Kind: KindServFail}, false, true},
		{&LookupError{Kind: KindRefused}, false, true},
		{&LookupError{Kind: KindUnreachable}, false, true},
		{&LookupError{Kind: KindTimeout}, false, true},
		{&LookupError{Kind: KindCanceled}, false, true},
		{&LookupError{Kind: KindMalformed}, false, false},
		{&LookupError{Kind: KindRcode}, false, false},
		{&LookupError{Kind: KindInvalidName}, false, false},
		{fmt.Errorf("wrapped: %w", &LookupError{Kind: KindServFail}), false, true},
		// *net.DNSError by its flags only: the text says nothing.
		{&net.DNSError{Err: "no such host", IsNotFound: true}, true, false},
		{&net.DNSError{Err: "i/o timeout", IsTimeout: true}, false, true},
		{&net.DNSError{Err: "server misbehaving", IsTemporary: true}, false, true},
		{&net.DNSError{Err: "server misbehaving"}, false, false},
		{&net.DNSError{Err: "no such host"}, false, false},
		{context.DeadlineExceeded, false, true},
		{context.Canceled, false, true},
	} {
		if got := IsNotFound(tc.err); got != tc.notFound {
			t.Errorf("IsNotFound(%#v) = %v", tc.err, got)
		}
		if got := IsTemporary(tc.err); got != tc.temporary {
			t.Errorf("IsTemporary(%#v) = %v", tc.err, got)
		}
	}
	inner := errors.New("inner")
	if le := (&LookupError{Kind: KindUnreachable, Err: inner}); !errors.Is(le, inner) {
		t.Error("LookupError Unwrap")
	}
	// Another Resolver's error is wrapped, named and classified by type.
	le := resolverError("x.test", &net.Resolver{}, &net.DNSError{Err: "server misbehaving", IsTemporary: true, Server: "192.0.2.53:53"})
	if le.Kind != KindServFail || le.Server != "192.0.2.53:53" || !strings.Contains(le.Error(), "system resolver") {
		t.Errorf("net.Resolver error: %+v: %v", le, le)
	}
	type custom struct{ Resolver }
	if le := resolverError("x.test", custom{}, inner); le.Kind != KindRcode || !errors.Is(le, inner) || !strings.Contains(le.Error(), "dnsverify.custom") {
		t.Errorf("custom Resolver error: %+v: %v", le, le)
	}
}
