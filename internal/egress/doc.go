// Package egress guards the connections appverify makes to hosts chosen by
// third parties: the redirect URI's host, and every OCSP responder and CRL
// distribution point named inside a certificate.
//
// Those names are untrusted. Dialling them from inside an authorization
// server is a server-side request forgery risk: a redirect URI on
// "metadata.example" that resolves to 169.254.169.254, or a CRL URL on
// http://10.0.0.5:8080/, would make the server probe its own network. A
// [Guard] refuses such connections:
//
//   - addresses in the IANA IPv4 and IPv6 special-purpose address
//     registries (RFC 6890): loopback, RFC 1918 private-use, CGNAT
//     100.64.0.0/10, link-local, unique local, multicast, unspecified,
//     limited broadcast, documentation, benchmarking, 0.0.0.0/8,
//     240.0.0.0/4, discard-only 100::/64, ORCHID, Teredo 2001::/32, and the
//     forms that carry an IPv4 address inside IPv6 (IPv4-mapped
//     ::ffff:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96 and
//     64:ff9b:1::/48, 6to4 2002::/16), refused whatever they embed, with the
//     embedded address named in the error; and every IPv6 address outside
//     2000::/3, the only space allocated for global unicast. The table, with
//     the source of each entry, is in ranges.go;
//   - ports other than those allowed: 443 by default (the redirect host),
//     80 and 443 for OCSP and CRL fetches (Guard{Ports: []uint16{80, 443}});
//   - networks other than tcp, tcp4 and tcp6. DNS queries are made by the
//     resolver (net.Resolver or dnsverify's), not through a guarded dialer,
//     so UDP is never needed here.
//
// [Guard.AllowPrivate] lifts the address and port rules, for development and
// tests (the CLI flag -allow-private).
//
// Refusals are *[RefusedError] values matching [ErrRefused] and one of
// [ErrAddressRefused], [ErrPortRefused], [ErrNetworkRefused]:
//
//	egress: refused 127.0.0.1:443: loopback (RFC 1122)
//	egress: refused [::ffff:10.0.0.1]:443: IPv4-mapped (RFC 4291), embedding 10.0.0.1: private-use (RFC 1918)
//	egress: refused 93.184.216.34:8443: port 8443 not allowed (allowed: 443)
//
// # Security considerations
//
// The check must be applied to the address actually connected to, not to
// the result of an earlier lookup: a name can resolve to a public address
// when checked and to 127.0.0.1 when dialled (DNS rebinding). [Guard.Dialer]
// installs [Guard.Control] as the net.Dialer's Control function, which runs
// after resolution for each address tried, before the SYN is sent. [Wrap]
// does the same for a *net.Dialer; for any other dialer it can only check
// conn.RemoteAddr() after connecting, then closes the connection: the TCP
// handshake has reached the address, though nothing is written. Prefer a
// *net.Dialer.
//
// A proxy configured in the environment (HTTP_PROXY) would make the guard
// check the proxy's address instead of the target's: the HTTP clients that
// use a guarded dialer must not use a proxy.
package egress
