package egress

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

func TestCheckAddresses(t *testing.T) {
	tests := []struct {
		addr   string
		range_ string // "" means allowed
	}{
		// Public addresses are allowed.
		{"93.184.216.34", ""},
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"2606:4700::1111", ""},
		{"2a00:1450:4001:82a::200e", ""},
		{"100.63.255.255", ""},
		{"100.128.0.0", ""},
		{"172.15.255.255", ""},
		{"172.32.0.0", ""},
		{"198.20.0.1", ""},
		{"223.255.255.255", ""},

		// IPv4 special-purpose registry.
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "this network"},
		{"10.0.0.1", "private-use (RFC 1918)"},
		{"10.255.255.255", "private-use (RFC 1918)"},
		{"100.64.0.1", "CGNAT"},
		{"100.127.255.255", "CGNAT"},
		{"127.0.0.1", "loopback (RFC 1122)"},
		{"127.255.255.254", "loopback"},
		{"169.254.169.254", "link-local (RFC 3927)"},
		{"172.16.0.1", "private-use"},
		{"172.31.255.255", "private-use"},
		{"192.0.0.9", "IETF protocol assignments"},
		{"192.0.2.1", "TEST-NET-1"},
		{"192.31.196.1", "AS112"},
		{"192.52.193.1", "AMT"},
		{"192.88.99.1", "6to4 relay"},
		{"192.168.1.1", "private-use"},
		{"192.175.48.1", "AS112"},
		{"198.18.0.1", "benchmarking"},
		{"198.19.255.255", "benchmarking"},
		{"198.51.100.7", "TEST-NET-2"},
		{"203.0.113.9", "TEST-NET-3"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"240.0.0.1", "reserved"},
		{"255.255.255.254", "reserved"},
		{"255.255.255.255", "limited broadcast"},

		// IPv6 special-purpose registry.
		{"::", "unspecified"},
		{"::1", "loopback (RFC 4291)"},
		{"::ffff:127.0.0.1", "IPv4-mapped"},
		{"::ffff:10.0.0.1", "IPv4-mapped"},
		{"::ffff:93.184.216.34", "IPv4-mapped"},
		{"::127.0.0.1", "IPv4-compatible"},
		{"::8.8.8.8", "IPv4-compatible"},
		{"64:ff9b::7f00:1", "NAT64"},
		{"64:ff9b::808:808", "NAT64"},
		{"64:ff9b:1::1", "local-use NAT64"},
		{"100::1", "discard-only"},
		{"100:0:0:1::1", "dummy"},
		{"2001::1", "Teredo"},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
		{"2001:1::1", "IETF protocol assignments"},
		{"2001:2::1", "benchmarking"},
		{"2001:10::1", "ORCHID"},
		{"2001:20::1", "ORCHIDv2"},
		{"2001:db8::1", "documentation (RFC 3849)"},
		{"2002:7f00:1::", "6to4"},
		{"2002:5db8:d822::1", "6to4"},
		{"2620:4f:8000::1", "AS112"},
		{"3fff::1", "documentation (RFC 9637)"},
		{"5f00::1", "segment routing"},
		{"fc00::1", "ULA"},
		{"fd12:3456:789a::1", "ULA"},
		{"fe80::1", "link-local (RFC 4291)"},
		{"fe80::1%eth0", "link-local"},
		{"fec0::1", "site-local"},
		{"ff02::1", "multicast"},
		{"ff0e::1", "multicast"},
		{"4000::1", "outside global unicast"},
		{"1::1", "outside global unicast"},
	}
	var g Guard
	for _, tt := range tests {
		ap := netip.AddrPortFrom(netip.MustParseAddr(tt.addr), 443)
		err := g.Check(ap)
		if tt.range_ == "" {
			if err != nil {
				t.Errorf("Check(%v) = %v, want allowed", ap, err)
			}
			continue
		}
		var re *RefusedError
		if !errors.As(err, &re) {
			t.Errorf("Check(%v) = %v, want a *RefusedError", ap, err)
			continue
		}
		if re.Reason != ReasonAddress || !errors.Is(err, ErrAddressRefused) || !errors.Is(err, ErrRefused) || errors.Is(err, ErrPortRefused) {
			t.Errorf("Check(%v): reason %v, sentinels wrong: %v", ap, re.Reason, err)
		}
		if !strings.Contains(re.Range, tt.range_) {
			t.Errorf("Check(%v).Range = %q, want it to contain %q", ap, re.Range, tt.range_)
		}
		if !strings.HasPrefix(err.Error(), "egress: refused ") {
			t.Errorf("Check(%v): message %q lacks prefix", ap, err)
		}
		if re.Address != ap {
			t.Errorf("Check(%v).Address = %v", ap, re.Address)
		}
		// AllowPrivate lifts it.
		if err := (Guard{AllowPrivate: true}).Check(ap); err != nil {
			t.Errorf("AllowPrivate Check(%v) = %v", ap, err)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		g    Guard
		ap   string
		want string
	}{
		{Guard{}, "127.0.0.1:443", "egress: refused 127.0.0.1:443: loopback (RFC 1122)"},
		{Guard{}, "[::ffff:10.0.0.1]:443", "egress: refused [::ffff:10.0.0.1]:443: IPv4-mapped (RFC 4291), embedding 10.0.0.1: private-use (RFC 1918)"},
		{Guard{}, "[64:ff9b::7f00:1]:443", "egress: refused [64:ff9b::7f00:1]:443: NAT64 well-known prefix (RFC 6052), embedding 127.0.0.1: loopback (RFC 1122)"},
		{Guard{}, "[2002:7f00:1::]:443", "egress: refused [2002:7f00:1::]:443: 6to4 (RFC 3056), embedding 127.0.0.1: loopback (RFC 1122)"},
		{Guard{}, "[2002:5db8:d822::]:443", "egress: refused [2002:5db8:d822::]:443: 6to4 (RFC 3056), embedding 93.184.216.34"},
		{Guard{}, "93.184.216.34:8443", "egress: refused 93.184.216.34:8443: port 8443 not allowed (allowed: 443)"},
		{Guard{Ports: []uint16{80, 443}}, "93.184.216.34:22", "egress: refused 93.184.216.34:22: port 22 not allowed (allowed: 80, 443)"},
	}
	for _, tt := range tests {
		err := tt.g.Check(netip.MustParseAddrPort(tt.ap))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Check(%s) = %v, want %q", tt.ap, err, tt.want)
		}
	}
}

func TestCheckPorts(t *testing.T) {
	public := netip.MustParseAddr("93.184.216.34")
	tests := []struct {
		name string
		g    Guard
		port uint16
		ok   bool
	}{
		{"default 443", Guard{}, 443, true},
		{"default 80", Guard{}, 80, false},
		{"default 8443", Guard{}, 8443, false},
		{"default 0", Guard{}, 0, false},
		{"revocation 80", Guard{Ports: []uint16{80, 443}}, 80, true},
		{"revocation 443", Guard{Ports: []uint16{80, 443}}, 443, true},
		{"revocation 8080", Guard{Ports: []uint16{80, 443}}, 8080, false},
		{"allow private any port", Guard{AllowPrivate: true}, 8443, true},
		{"allow private port 0", Guard{AllowPrivate: true}, 0, true},
	}
	for _, tt := range tests {
		err := tt.g.Check(netip.AddrPortFrom(public, tt.port))
		if tt.ok != (err == nil) {
			t.Errorf("%s: Check = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && (!errors.Is(err, ErrPortRefused) || errors.Is(err, ErrAddressRefused)) {
			t.Errorf("%s: want ErrPortRefused only, got %v", tt.name, err)
		}
	}
	// The address is checked before the port.
	err := Guard{}.Check(netip.MustParseAddrPort("127.0.0.1:22"))
	if !errors.Is(err, ErrAddressRefused) {
		t.Errorf("loopback on port 22: got %v, want ErrAddressRefused", err)
	}
	if err := (Guard{}).Check(netip.AddrPort{}); !errors.Is(err, ErrAddressRefused) {
		t.Errorf("invalid AddrPort: got %v", err)
	}
}

func TestControl(t *testing.T) {
	tests := []struct {
		g       Guard
		network string
		address string
		want    error // nil: allowed
	}{
		{Guard{}, "tcp4", "93.184.216.34:443", nil},
		{Guard{}, "tcp6", "[2606:4700::1111]:443", nil},
		{Guard{}, "tcp", "93.184.216.34:443", nil},
		{Guard{}, "tcp4", "127.0.0.1:443", ErrAddressRefused},
		{Guard{}, "tcp6", "[::1]:443", ErrAddressRefused},
		{Guard{}, "tcp6", "[fe80::1%lo]:443", ErrAddressRefused},
		{Guard{}, "tcp4", "93.184.216.34:80", ErrPortRefused},
		{Guard{}, "udp4", "93.184.216.34:443", ErrNetworkRefused},
		{Guard{AllowPrivate: true}, "udp4", "127.0.0.1:53", ErrNetworkRefused},
		{Guard{}, "unix", "/tmp/sock", ErrNetworkRefused},
		{Guard{}, "tcp4", "not an address", ErrAddressRefused},
		{Guard{AllowPrivate: true}, "tcp4", "127.0.0.1:8080", nil},
	}
	for _, tt := range tests {
		err := tt.g.Control(tt.network, tt.address, nil)
		if tt.want == nil {
			if err != nil {
				t.Errorf("Control(%s, %s) = %v, want nil", tt.network, tt.address, err)
			}
			continue
		}
		if !errors.Is(err, tt.want) {
			t.Errorf("Control(%s, %s) = %v, want %v", tt.network, tt.address, err, tt.want)
		}
		var re *RefusedError
		if errors.As(err, &re) && re.Network != tt.network {
			t.Errorf("Control(%s, %s).Network = %q", tt.network, tt.address, re.Network)
		}
	}
}

func TestReasonText(t *testing.T) {
	for _, r := range []Reason{ReasonAddress, ReasonPort, ReasonNetwork} {
		b, err := r.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var got Reason
		if err := got.UnmarshalText(b); err != nil || got != r {
			t.Errorf("round trip %v: got %v, %v", r, got, err)
		}
	}
	if _, err := Reason(42).MarshalText(); err == nil {
		t.Error("MarshalText(42): want error")
	}
	var r Reason
	if err := r.UnmarshalText([]byte("bogus")); err == nil {
		t.Error("UnmarshalText(bogus): want error")
	}
}

// listen starts a TCP listener on 127.0.0.1 and counts the connections it
// accepts during the test.
func listen(t *testing.T) (addr string, accepted func() int) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	n := make(chan int, 1)
	n <- 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			v := <-n
			n <- v + 1
			c.Close()
		}
	}()
	return ln.Addr().String(), func() int {
		// Let any connection in flight arrive, then stop accepting.
		time.Sleep(50 * time.Millisecond)
		ln.Close()
		<-done
		v := <-n
		n <- v
		return v
	}
}

func portOf(t *testing.T, addr string) uint16 {
	t.Helper()
	return netip.MustParseAddrPort(addr).Port()
}

func TestDialerRefusesLoopback(t *testing.T) {
	addr, accepted := listen(t)
	g := Guard{Ports: []uint16{portOf(t, addr)}}
	d := g.Dialer(&net.Dialer{Timeout: 2 * time.Second})
	conn, err := d.DialContext(context.Background(), "tcp", addr)
	if err == nil {
		conn.Close()
		t.Fatal("dial to loopback succeeded")
	}
	var re *RefusedError
	if !errors.As(err, &re) || !errors.Is(err, ErrAddressRefused) {
		t.Fatalf("dial error %v: want a *RefusedError for the address", err)
	}
	if got := accepted(); got != 0 {
		t.Errorf("listener accepted %d connections, want 0", got)
	}
}

func TestDialerAllowPrivate(t *testing.T) {
	addr, accepted := listen(t)
	d := Guard{AllowPrivate: true}.Dialer(nil)
	conn, err := d.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatalf("dial with AllowPrivate: %v", err)
	}
	conn.Close()
	if got := accepted(); got != 1 {
		t.Errorf("listener accepted %d connections, want 1", got)
	}
}

func TestDialerChainsControl(t *testing.T) {
	addr, accepted := listen(t)
	var calls int
	base := &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		calls++
		return nil
	}}
	d := Guard{AllowPrivate: true}.Dialer(base)
	conn, err := d.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if calls != 1 {
		t.Errorf("base Control ran %d times, want 1", calls)
	}
	// Refused: the base Control must not run.
	calls = 0
	d = Guard{}.Dialer(base)
	if _, err := d.DialContext(context.Background(), "tcp", addr); !errors.Is(err, ErrAddressRefused) {
		t.Errorf("got %v, want ErrAddressRefused", err)
	}
	if calls != 0 {
		t.Errorf("base Control ran %d times after a refusal", calls)
	}
	// ControlContext takes precedence in net.Dialer: it must be chained too.
	var ctxCalls int
	base = &net.Dialer{ControlContext: func(ctx context.Context, network, address string, c syscall.RawConn) error {
		ctxCalls++
		return nil
	}}
	d = Guard{}.Dialer(base)
	if _, err := d.DialContext(context.Background(), "tcp", addr); !errors.Is(err, ErrAddressRefused) {
		t.Errorf("ControlContext base: got %v, want ErrAddressRefused", err)
	}
	if ctxCalls != 0 {
		t.Errorf("base ControlContext ran %d times after a refusal", ctxCalls)
	}
	if base.Control != nil {
		t.Error("Dialer modified its base")
	}
	if got := accepted(); got != 1 {
		t.Errorf("listener accepted %d connections, want 1", got)
	}
}

// dnsServer answers every A query with 127.0.0.1 and every AAAA query with
// ::1: a name that "rebinds" to loopback.
func dnsServer(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionAvailable: true})
			b.EnableCompression()
			_ = b.StartQuestions()
			_ = b.Question(q)
			_ = b.StartAnswers()
			rh := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 0}
			switch q.Type {
			case dnsmessage.TypeA:
				_ = b.AResource(rh, dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}})
			case dnsmessage.TypeAAAA:
				_ = b.AAAAResource(rh, dnsmessage.AAAAResource{AAAA: netip.IPv6Loopback().As16()})
			}
			msg, err := b.Finish()
			if err != nil {
				continue
			}
			_, _ = pc.WriteTo(msg, from)
		}
	}()
	return pc.LocalAddr().String()
}

func TestDialerRebinding(t *testing.T) {
	addr, accepted := listen(t)
	port := portOf(t, addr)
	server := dnsServer(t)
	resolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp4", server)
	}}
	// The name is public-looking; only the resolved address tells.
	g := Guard{Ports: []uint16{port}}
	d := g.Dialer(&net.Dialer{Resolver: resolver, Timeout: 2 * time.Second})
	target := net.JoinHostPort("rebind.example.com", strconv.Itoa(int(port)))
	conn, err := d.DialContext(context.Background(), "tcp", target)
	if err == nil {
		conn.Close()
		t.Fatalf("dial %s succeeded", target)
	}
	if !errors.Is(err, ErrAddressRefused) {
		t.Fatalf("dial %s: %v, want ErrAddressRefused", target, err)
	}
	if !strings.Contains(err.Error(), "loopback") {
		t.Errorf("error %q does not name the range", err)
	}
	// The same name through an unguarded dialer does reach the listener,
	// so the refusal above is the guard's doing.
	plain := &net.Dialer{Resolver: resolver, Timeout: 2 * time.Second}
	conn, err = plain.DialContext(context.Background(), "tcp4", target)
	if err != nil {
		t.Fatalf("unguarded dial %s: %v", target, err)
	}
	conn.Close()
	if got := accepted(); got != 1 {
		t.Errorf("listener accepted %d connections, want 1 (the unguarded one)", got)
	}
}

func TestDialerLocalhost(t *testing.T) {
	addr, accepted := listen(t)
	port := portOf(t, addr)
	// /etc/hosts only: a resolver that cannot reach any DNS server.
	offline := &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("no DNS in tests")
	}}
	if _, err := offline.LookupHost(context.Background(), "localhost"); err != nil {
		t.Skipf("localhost does not resolve from /etc/hosts: %v", err)
	}
	d := Guard{Ports: []uint16{port}}.Dialer(&net.Dialer{Timeout: 2 * time.Second, Resolver: offline})
	_, err := d.DialContext(context.Background(), "tcp", net.JoinHostPort("localhost", strconv.Itoa(int(port))))
	if !errors.Is(err, ErrAddressRefused) {
		t.Errorf("dial localhost: %v, want ErrAddressRefused", err)
	}
	if got := accepted(); got != 0 {
		t.Errorf("listener accepted %d connections, want 0", got)
	}
}

// funcDialer is a Dialer that is not a *net.Dialer.
type funcDialer func(ctx context.Context, network, address string) (net.Conn, error)

func (f funcDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return f(ctx, network, address)
}

func TestWrap(t *testing.T) {
	addr, accepted := listen(t)
	port := portOf(t, addr)
	var dials int
	inner := funcDialer(func(ctx context.Context, network, address string) (net.Conn, error) {
		dials++
		var d net.Dialer
		// Whatever it is asked, it connects to the listener: like a
		// misbehaving proxy or a connect-to mapping.
		return d.DialContext(ctx, "tcp4", addr)
	})
	g := Guard{Ports: []uint16{port, 443}}

	// An IP literal is refused before dialling.
	if _, err := Wrap(inner, g).DialContext(context.Background(), "tcp", addr); !errors.Is(err, ErrAddressRefused) {
		t.Errorf("literal: got %v, want ErrAddressRefused", err)
	}
	if dials != 0 {
		t.Errorf("inner dialer called %d times for a refused literal", dials)
	}
	// A name is checked after connecting, by the remote address.
	conn, err := Wrap(inner, g).DialContext(context.Background(), "tcp", "app.example.com:443")
	if err == nil {
		conn.Close()
		t.Fatal("Wrap let a loopback connection through")
	}
	var re *RefusedError
	if !errors.As(err, &re) || re.Reason != ReasonAddress || re.Address.Addr() != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("after-dial refusal: %#v", err)
	}
	if _, err := Wrap(inner, g).DialContext(context.Background(), "udp", "app.example.com:443"); !errors.Is(err, ErrNetworkRefused) {
		t.Errorf("udp: got %v", err)
	}
	// AllowPrivate lets it through.
	conn, err = Wrap(inner, Guard{AllowPrivate: true}).DialContext(context.Background(), "tcp", "app.example.com:443")
	if err != nil {
		t.Fatalf("AllowPrivate: %v", err)
	}
	conn.Close()
	if dials != 2 {
		t.Errorf("inner dialer called %d times, want 2", dials)
	}
	// A *net.Dialer is guarded in Control: nothing reaches the listener.
	wd := Wrap(&net.Dialer{}, g)
	if _, ok := wd.(*net.Dialer); !ok {
		t.Errorf("Wrap(*net.Dialer) = %T, want *net.Dialer", wd)
	}
	if _, err := wd.DialContext(context.Background(), "tcp", addr); !errors.Is(err, ErrAddressRefused) {
		t.Errorf("net.Dialer: got %v", err)
	}
	if Wrap(nil, g) == nil {
		t.Error("Wrap(nil) = nil")
	}
	// The inner dialer connected twice: the refused one and the allowed one.
	if got := accepted(); got != 2 {
		t.Errorf("listener accepted %d connections, want 2", got)
	}
}

func TestRemoteAddrPort(t *testing.T) {
	// net keeps IPv4 in 16 bytes; the guard must not mistake it for IPv4-mapped.
	ap, ok := remoteAddrPort(&net.TCPAddr{IP: net.ParseIP("93.184.216.34"), Port: 443})
	if !ok || ap != netip.MustParseAddrPort("93.184.216.34:443") {
		t.Errorf("got %v, %v", ap, ok)
	}
	if err := (Guard{}).Check(ap); err != nil {
		t.Errorf("public 16-byte IPv4: %v", err)
	}
	if _, ok := remoteAddrPort(nil); ok {
		t.Error("nil addr: ok")
	}
	if _, ok := remoteAddrPort(&net.TCPAddr{}); ok {
		t.Error("empty TCPAddr: ok")
	}
	if _, ok := remoteAddrPort(&net.UnixAddr{Name: "/tmp/x", Net: "unix"}); ok {
		t.Error("unix addr: ok")
	}
}

func TestTablesWellFormed(t *testing.T) {
	for _, s := range ipv4Specials {
		if !s.prefix.Addr().Is4() || s.prefix != s.prefix.Masked() || !strings.Contains(s.name, "RFC") {
			t.Errorf("bad IPv4 entry %v %q", s.prefix, s.name)
		}
	}
	for _, s := range ipv6Specials {
		if !s.prefix.Addr().Is6() || s.prefix != s.prefix.Masked() || !strings.Contains(s.name, "RFC") {
			t.Errorf("bad IPv6 entry %v %q", s.prefix, s.name)
		}
	}
	// The compiled masks agree with netip.Prefix.Contains on each prefix's
	// first and last address and just outside it.
	for _, tab := range [][]special{ipv4Specials, ipv6Specials} {
		for _, s := range tab {
			first := s.prefix.Addr()
			if name, _, refused := lookup(first); !refused || name == "" {
				t.Errorf("%v: first address %v allowed", s.prefix, first)
			}
			if prev := first.Prev(); prev.IsValid() {
				name, _, _ := lookup(prev)
				if name == s.name && !containsAny(tab, s.name, prev) {
					t.Errorf("%v: %v just below matched %q", s.prefix, prev, name)
				}
			}
		}
	}
}

func containsAny(tab []special, name string, a netip.Addr) bool {
	for _, s := range tab {
		if s.name == name && s.prefix.Contains(a) {
			return true
		}
	}
	return false
}

// FuzzCheck checks that Check never panics and refuses every address the
// standard library itself calls loopback, private, link-local, multicast or
// unspecified, in any of its forms.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::", "169.254.169.254", "93.184.216.34", "2606:4700::1111", "fe80::1", "ff02::1"} {
		a := netip.MustParseAddr(s)
		b := a.As16()
		f.Add(b[:], uint16(443), a.Is4())
	}
	f.Fuzz(func(t *testing.T, b []byte, port uint16, four bool) {
		var raw [16]byte
		copy(raw[:], b)
		a := netip.AddrFrom16(raw)
		if four {
			a = netip.AddrFrom4([4]byte(raw[12:]))
		}
		ap := netip.AddrPortFrom(a, port)
		err := Guard{}.Check(ap)
		if err != nil {
			var re *RefusedError
			if !errors.As(err, &re) || !errors.Is(err, ErrRefused) {
				t.Fatalf("Check(%v) = %v: not a *RefusedError", ap, err)
			}
			_ = err.Error()
		}
		u := a.Unmap()
		if u.IsLoopback() || u.IsPrivate() || u.IsLinkLocalUnicast() || u.IsLinkLocalMulticast() ||
			u.IsInterfaceLocalMulticast() || u.IsMulticast() || u.IsUnspecified() || !u.IsGlobalUnicast() {
			if err == nil {
				t.Fatalf("Check(%v) allowed a special address", ap)
			}
		}
		if a.Is4In6() && err == nil {
			t.Fatalf("Check(%v) allowed an IPv4-mapped address", ap)
		}
		if port != 443 && err == nil {
			t.Fatalf("Check(%v) allowed port %d", ap, port)
		}
		if err := (Guard{AllowPrivate: true}).Check(ap); err != nil {
			t.Fatalf("AllowPrivate Check(%v) = %v", ap, err)
		}
		if err := (Guard{}).Control("tcp", ap.String(), nil); (err == nil) != (Guard{}.Check(ap) == nil) {
			t.Fatalf("Control and Check disagree on %v: %v", ap, err)
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	cases := []struct {
		name string
		ap   netip.AddrPort
	}{
		{"ipv4-public", netip.MustParseAddrPort("93.184.216.34:443")},
		{"ipv6-public", netip.MustParseAddrPort("[2606:4700::1111]:443")},
		{"ipv4-loopback", netip.MustParseAddrPort("127.0.0.1:443")},
	}
	var g Guard
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = g.Check(c.ap)
			}
		})
	}
}
