package egress

import (
	"encoding/binary"
	"net/netip"
)

// A special is one special-purpose range: its prefix, a name for messages
// and the document that sets it aside.
type special struct {
	prefix netip.Prefix
	name   string // e.g. "loopback (RFC 1122)"
	// embeds reports that the range carries an IPv4 address in its low bits
	// (IPv4-mapped, IPv4-compatible, NAT64) or in bits 16–47 (6to4).
	embeds embedding
}

type embedding int

const (
	embedNone embedding = iota
	embedLow32
	embed6to4
)

// ipv4Specials is the refused IPv4 space, from the IANA IPv4 Special-Purpose
// Address Registry (https://www.iana.org/assignments/iana-ipv4-special-registry,
// RFC 6890) and the IPv4 Address Space Registry (multicast, reserved). The
// first match names the refusal, so more specific prefixes come first.
//
// Some entries are marked "globally reachable" by IANA (AS112, AMT, the PCP
// and TURN anycast addresses in 192.0.0.0/24); none of them hosts a web site
// or a revocation responder, so they are refused too.
var ipv4Specials = []special{
	{prefix: mustPrefix("0.0.0.0/32"), name: "unspecified (RFC 1122)"},
	{prefix: mustPrefix("0.0.0.0/8"), name: `"this network" (RFC 791)`},
	{prefix: mustPrefix("10.0.0.0/8"), name: "private-use (RFC 1918)"},
	{prefix: mustPrefix("100.64.0.0/10"), name: "shared address space, CGNAT (RFC 6598)"},
	{prefix: mustPrefix("127.0.0.0/8"), name: "loopback (RFC 1122)"},
	{prefix: mustPrefix("169.254.0.0/16"), name: "link-local (RFC 3927)"},
	{prefix: mustPrefix("172.16.0.0/12"), name: "private-use (RFC 1918)"},
	{prefix: mustPrefix("192.0.0.0/24"), name: "IETF protocol assignments (RFC 6890)"},
	{prefix: mustPrefix("192.0.2.0/24"), name: "documentation, TEST-NET-1 (RFC 5737)"},
	{prefix: mustPrefix("192.31.196.0/24"), name: "AS112-v4 (RFC 7535)"},
	{prefix: mustPrefix("192.52.193.0/24"), name: "AMT (RFC 7450)"},
	{prefix: mustPrefix("192.88.99.0/24"), name: "deprecated 6to4 relay anycast (RFC 7526)"},
	{prefix: mustPrefix("192.168.0.0/16"), name: "private-use (RFC 1918)"},
	{prefix: mustPrefix("192.175.48.0/24"), name: "AS112 direct delegation (RFC 7534)"},
	{prefix: mustPrefix("198.18.0.0/15"), name: "benchmarking (RFC 2544)"},
	{prefix: mustPrefix("198.51.100.0/24"), name: "documentation, TEST-NET-2 (RFC 5737)"},
	{prefix: mustPrefix("203.0.113.0/24"), name: "documentation, TEST-NET-3 (RFC 5737)"},
	{prefix: mustPrefix("224.0.0.0/4"), name: "multicast (RFC 5771)"},
	{prefix: mustPrefix("255.255.255.255/32"), name: "limited broadcast (RFC 919)"},
	{prefix: mustPrefix("240.0.0.0/4"), name: "reserved (RFC 1112)"},
}

// ipv6Specials is the refused IPv6 space, from the IANA IPv6 Special-Purpose
// Address Registry (https://www.iana.org/assignments/iana-ipv6-special-registry,
// RFC 6890) and the IPv6 Address Space Registry. The first match names the
// refusal. Everything outside 2000::/3, the only space IANA allocates for
// global unicast, is refused after the table (see outsideGlobal).
var ipv6Specials = []special{
	{prefix: mustPrefix("::/128"), name: "unspecified (RFC 4291)"},
	{prefix: mustPrefix("::1/128"), name: "loopback (RFC 4291)"},
	{prefix: mustPrefix("::ffff:0:0/96"), name: "IPv4-mapped (RFC 4291)", embeds: embedLow32},
	{prefix: mustPrefix("::/96"), name: "IPv4-compatible, deprecated (RFC 4291)", embeds: embedLow32},
	{prefix: mustPrefix("64:ff9b::/96"), name: "NAT64 well-known prefix (RFC 6052)", embeds: embedLow32},
	{prefix: mustPrefix("64:ff9b:1::/48"), name: "local-use NAT64 (RFC 8215)"},
	{prefix: mustPrefix("100::/64"), name: "discard-only (RFC 6666)"},
	{prefix: mustPrefix("100:0:0:1::/64"), name: "dummy IPv6 prefix (RFC 9780)"},
	{prefix: mustPrefix("2001::/32"), name: "Teredo (RFC 4380)"},
	{prefix: mustPrefix("2001:2::/48"), name: "benchmarking (RFC 5180)"},
	{prefix: mustPrefix("2001:10::/28"), name: "ORCHID, deprecated (RFC 4843)"},
	{prefix: mustPrefix("2001:20::/28"), name: "ORCHIDv2 (RFC 7343)"},
	{prefix: mustPrefix("2001::/23"), name: "IETF protocol assignments (RFC 2928)"},
	{prefix: mustPrefix("2001:db8::/32"), name: "documentation (RFC 3849)"},
	{prefix: mustPrefix("2002::/16"), name: "6to4 (RFC 3056)", embeds: embed6to4},
	{prefix: mustPrefix("2620:4f:8000::/48"), name: "AS112 direct delegation (RFC 7534)"},
	{prefix: mustPrefix("3fff::/20"), name: "documentation (RFC 9637)"},
	{prefix: mustPrefix("5f00::/16"), name: "segment routing SIDs (RFC 9602)"},
	{prefix: mustPrefix("fc00::/7"), name: "unique local, ULA (RFC 4193)"},
	{prefix: mustPrefix("fe80::/10"), name: "link-local (RFC 4291)"},
	{prefix: mustPrefix("fec0::/10"), name: "site-local, deprecated (RFC 3879)"},
	{prefix: mustPrefix("ff00::/8"), name: "multicast (RFC 4291)"},
}

// outsideGlobal names the refusal of IPv6 addresses outside 2000::/3.
const outsideGlobal = "outside global unicast 2000::/3 (RFC 4291)"

func mustPrefix(s string) netip.Prefix {
	return netip.MustParsePrefix(s)
}

// The tables compiled to masks, so that a check is a few integer compares
// and allocates nothing.
type mask4 struct {
	base, mask uint32
	s          *special
}

type mask6 struct {
	baseHi, baseLo, maskHi, maskLo uint64
	s                              *special
}

var (
	masks4 = compile4(ipv4Specials)
	masks6 = compile6(ipv6Specials)
)

func compile4(t []special) []mask4 {
	out := make([]mask4, len(t))
	for i := range t {
		bits := t[i].prefix.Bits()
		m := uint32(0)
		if bits > 0 {
			m = ^uint32(0) << (32 - bits)
		}
		out[i] = mask4{base: u32(t[i].prefix.Addr()) & m, mask: m, s: &t[i]}
	}
	return out
}

func compile6(t []special) []mask6 {
	out := make([]mask6, len(t))
	for i := range t {
		bits := t[i].prefix.Bits()
		var mh, ml uint64
		switch {
		case bits >= 64:
			mh = ^uint64(0)
			if bits > 64 {
				ml = ^uint64(0) << (128 - bits)
			}
		case bits > 0:
			mh = ^uint64(0) << (64 - bits)
		}
		hi, lo := u128(t[i].prefix.Addr())
		out[i] = mask6{baseHi: hi & mh, baseLo: lo & ml, maskHi: mh, maskLo: ml, s: &t[i]}
	}
	return out
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func u128(a netip.Addr) (hi, lo uint64) {
	b := a.As16()
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
}

// lookup4 returns the special-purpose range holding the IPv4 address v, or nil.
func lookup4(v uint32) *special {
	for i := range masks4 {
		if v&masks4[i].mask == masks4[i].base {
			return masks4[i].s
		}
	}
	return nil
}

// lookup returns the name of the special-purpose range holding a (IPv4 or
// IPv6, zone ignored), the IPv4 address it embeds if any, and whether it is
// special at all.
func lookup(a netip.Addr) (name string, embedded netip.Addr, refused bool) {
	if a.Is4() {
		if s := lookup4(u32(a)); s != nil {
			return s.name, netip.Addr{}, true
		}
		return "", netip.Addr{}, false
	}
	hi, lo := u128(a)
	for i := range masks6 {
		m := &masks6[i]
		if hi&m.maskHi != m.baseHi || lo&m.maskLo != m.baseLo {
			continue
		}
		switch m.s.embeds {
		case embedLow32:
			embedded = netip.AddrFrom4([4]byte{byte(lo >> 24), byte(lo >> 16), byte(lo >> 8), byte(lo)})
		case embed6to4:
			v := uint32(hi >> 16)
			embedded = netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		}
		return m.s.name, embedded, true
	}
	if hi>>61 != 0b001 { // not 2000::/3
		return outsideGlobal, netip.Addr{}, true
	}
	return "", netip.Addr{}, false
}
