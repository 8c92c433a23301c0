package egress

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Sentinel errors. Every refusal is a *RefusedError that matches ErrRefused
// and exactly one of ErrAddressRefused, ErrPortRefused or ErrNetworkRefused
// under errors.Is, also once net has wrapped it in a *net.OpError.
var (
	ErrRefused        = errors.New("egress: refused")
	ErrAddressRefused = errors.New("egress: address refused")
	ErrPortRefused    = errors.New("egress: port refused")
	ErrNetworkRefused = errors.New("egress: network refused")
)

// Reason is the class of a refusal.
type Reason int

const (
	// ReasonAddress: the address is in a special-purpose range (or could not be parsed).
	ReasonAddress Reason = iota
	// ReasonPort: the port is not one of the allowed ports.
	ReasonPort
	// ReasonNetwork: the network is not tcp, tcp4 or tcp6.
	ReasonNetwork
)

// String returns "address", "port" or "network".
func (r Reason) String() string {
	switch r {
	case ReasonAddress:
		return "address"
	case ReasonPort:
		return "port"
	case ReasonNetwork:
		return "network"
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// MarshalText encodes r as its String.
func (r Reason) MarshalText() ([]byte, error) {
	switch r {
	case ReasonAddress, ReasonPort, ReasonNetwork:
		return []byte(r.String()), nil
	}
	return nil, errors.New("egress: invalid Reason " + strconv.Itoa(int(r)))
}

// UnmarshalText decodes "address", "port" or "network".
func (r *Reason) UnmarshalText(b []byte) error {
	switch string(b) {
	case "address":
		*r = ReasonAddress
	case "port":
		*r = ReasonPort
	case "network":
		*r = ReasonNetwork
	default:
		return errors.New("egress: unknown reason " + strconv.Quote(string(b)))
	}
	return nil
}

// RefusedError is a refused connection: what was refused and why.
type RefusedError struct {
	// Network is the network of the dial ("tcp4", "udp", …); empty from Check.
	Network string
	// Address is the refused address; the zero AddrPort when Raw could not be parsed.
	Address netip.AddrPort
	// Raw is the address as given to Control or a dialer, when it could not be parsed.
	Raw    string
	Reason Reason
	// Range names the special-purpose range and its source for an address
	// refusal, such as "loopback (RFC 1122)".
	Range string
	// Embedded is the IPv4 address embedded in an IPv4-mapped,
	// IPv4-compatible, NAT64 or 6to4 address, when there is one.
	Embedded netip.Addr
	// Allowed lists the allowed ports, for a port refusal.
	Allowed []uint16
}

func (e *RefusedError) Error() string {
	var b strings.Builder
	b.WriteString("egress: refused ")
	if e.Reason == ReasonNetwork && e.Network != "" {
		b.WriteString(e.Network)
		b.WriteByte(' ')
	}
	switch {
	case e.Address.IsValid():
		b.WriteString(e.Address.String())
	case e.Raw != "":
		b.WriteString(strconv.Quote(e.Raw))
	default:
		b.WriteString("connection")
	}
	b.WriteString(": ")
	switch e.Reason {
	case ReasonPort:
		b.WriteString("port ")
		b.WriteString(strconv.Itoa(int(e.Address.Port())))
		b.WriteString(" not allowed (allowed: ")
		for i, p := range e.Allowed {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(int(p)))
		}
		b.WriteByte(')')
	case ReasonNetwork:
		b.WriteString("network ")
		b.WriteString(strconv.Quote(e.Network))
		b.WriteString(" not allowed (tcp only)")
	default:
		b.WriteString(e.Range)
		if e.Embedded.IsValid() {
			b.WriteString(", embedding ")
			b.WriteString(e.Embedded.String())
			if s := lookup4(u32(e.Embedded)); s != nil {
				b.WriteString(": ")
				b.WriteString(s.name)
			}
		}
	}
	return b.String()
}

// Unwrap returns ErrRefused and the sentinel of e's Reason.
func (e *RefusedError) Unwrap() []error {
	switch e.Reason {
	case ReasonPort:
		return []error{ErrRefused, ErrPortRefused}
	case ReasonNetwork:
		return []error{ErrRefused, ErrNetworkRefused}
	}
	return []error{ErrRefused, ErrAddressRefused}
}

// Guard decides which connections may be made. The zero Guard allows only
// TCP to public (non-special-purpose) addresses on port 443: the redirect
// host's guard. For OCSP and CRL fetches use Guard{Ports: []uint16{80, 443}}.
//
// A Guard is a value: copy it freely. Do not modify Ports after handing the
// Guard to Dialer or Wrap.
type Guard struct {
	// AllowPrivate lifts the address and the port rules: loopback, private
	// and every other special-purpose address may be dialled, on any port.
	// For development and tests only. The network rule (TCP only) stays.
	// Default false.
	AllowPrivate bool
	// Ports are the ports that may be dialled. If Ports is empty, only 443
	// is allowed.
	Ports []uint16
}

var defaultPorts = []uint16{443}

func (g Guard) ports() []uint16 {
	if len(g.Ports) == 0 {
		return defaultPorts
	}
	return g.Ports
}

// Check reports whether g allows a TCP connection to ap. It returns nil or
// a *RefusedError with Reason ReasonAddress (checked first) or ReasonPort.
// An IPv6 zone is ignored. IPv4-mapped IPv6 addresses are refused as such:
// net hands Control IPv4 addresses in their 4-byte form.
func (g Guard) Check(ap netip.AddrPort) error {
	if g.AllowPrivate {
		return nil
	}
	a := ap.Addr()
	if !a.IsValid() {
		return &RefusedError{Address: ap, Reason: ReasonAddress, Range: "invalid address"}
	}
	if name, emb, refused := lookup(a.WithZone("")); refused {
		return &RefusedError{Address: ap, Reason: ReasonAddress, Range: name, Embedded: emb}
	}
	ps := g.ports()
	for _, p := range ps {
		if p == ap.Port() {
			return nil
		}
	}
	return &RefusedError{Address: ap, Reason: ReasonPort, Allowed: ps}
}

// allowedNetwork reports whether network is a TCP network.
func allowedNetwork(network string) bool {
	switch network {
	case "tcp", "tcp4", "tcp6":
		return true
	}
	return false
}

// Control is a net.Dialer Control function: it runs after the address has
// been resolved and before the connection is made, and refuses what g does
// not allow, so no packet is sent to a refused address. Because it sees the
// address actually dialled, a name that resolves (or re-resolves) to a
// private address cannot get past it. Networks other than tcp, tcp4 and
// tcp6 are refused, whatever AllowPrivate says. It returns nil or a
// *RefusedError.
func (g Guard) Control(network, address string, _ syscall.RawConn) error {
	if !allowedNetwork(network) {
		ap, _ := netip.ParseAddrPort(address)
		return &RefusedError{Network: network, Address: ap, Raw: address, Reason: ReasonNetwork}
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		if g.AllowPrivate {
			return nil
		}
		return &RefusedError{Network: network, Raw: address, Reason: ReasonAddress, Range: "unparseable address"}
	}
	if err := g.Check(ap); err != nil {
		err.(*RefusedError).Network = network
		return err
	}
	return nil
}

// Dialer returns a copy of base (or of the zero net.Dialer if base is nil)
// whose connections g checks in Control. An existing Control or
// ControlContext of base still runs, after g's check.
func (g Guard) Dialer(base *net.Dialer) *net.Dialer {
	g.Ports = slices.Clone(g.Ports)
	d := new(net.Dialer)
	if base != nil {
		*d = *base
	}
	if prev := d.ControlContext; prev != nil {
		d.ControlContext = func(ctx context.Context, network, address string, c syscall.RawConn) error {
			if err := g.Control(network, address, c); err != nil {
				return err
			}
			return prev(ctx, network, address, c)
		}
		return d
	}
	prev := d.Control
	d.Control = func(network, address string, c syscall.RawConn) error {
		if err := g.Control(network, address, c); err != nil {
			return err
		}
		if prev != nil {
			return prev(network, address, c)
		}
		return nil
	}
	return d
}

// Dialer makes connections. *net.Dialer satisfies it, as does
// tlsinspect.Dialer's method set.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Wrap returns a Dialer that makes d's connections subject to g.
//
// If d is a *net.Dialer (or nil), Wrap returns g.Dialer(d): the check runs in
// Control, before the connection is made. Any other Dialer cannot be checked
// before it connects: Wrap refuses a bad network, or an IP-literal address
// that g refuses, up front, and otherwise checks conn.RemoteAddr() once d
// has connected, closing the connection and returning a *RefusedError when
// g refuses it. The TCP handshake with the refused address has then already
// happened, but no byte is written to it through the returned Dialer.
func Wrap(d Dialer, g Guard) Dialer {
	switch nd := d.(type) {
	case nil:
		return g.Dialer(nil)
	case *net.Dialer:
		return g.Dialer(nd)
	}
	g.Ports = slices.Clone(g.Ports)
	return &afterDialer{d: d, g: g}
}

type afterDialer struct {
	d Dialer
	g Guard
}

func (w *afterDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if !allowedNetwork(network) {
		return nil, &RefusedError{Network: network, Raw: address, Reason: ReasonNetwork}
	}
	if ap, err := netip.ParseAddrPort(address); err == nil {
		if err := w.g.Check(ap); err != nil {
			err.(*RefusedError).Network = network
			return nil, err
		}
	}
	conn, err := w.d.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	ra := conn.RemoteAddr()
	ap, ok := remoteAddrPort(ra)
	if !ok {
		if w.g.AllowPrivate {
			return conn, nil
		}
		conn.Close()
		raw := ""
		if ra != nil {
			raw = ra.String()
		}
		return nil, &RefusedError{Network: network, Raw: raw, Reason: ReasonAddress, Range: "unparseable remote address"}
	}
	if err := w.g.Check(ap); err != nil {
		conn.Close()
		err.(*RefusedError).Network = network
		return nil, err
	}
	return conn, nil
}

// remoteAddrPort converts a connection's remote address. net represents
// IPv4 addresses in 16 bytes, so an IPv4-mapped form is unmapped here.
func remoteAddrPort(a net.Addr) (netip.AddrPort, bool) {
	switch t := a.(type) {
	case nil:
		return netip.AddrPort{}, false
	case *net.TCPAddr:
		if t == nil {
			return netip.AddrPort{}, false
		}
		ap := t.AddrPort()
		if !ap.Addr().IsValid() {
			return netip.AddrPort{}, false
		}
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), true
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), true
}
