package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/consenttrust/appverify/internal/egress"
)

// A connectTo is one -connect-to rule, as curl's --connect-to: whenever
// FromHost:FromPort is to be dialled, dial ToHost:ToPort instead. An empty
// From field matches any host or port; an empty To field keeps the original.
type connectTo struct {
	FromHost, FromPort string
	ToHost, ToPort     string
}

func (c connectTo) String() string {
	return joinField(c.FromHost) + ":" + c.FromPort + ":" + joinField(c.ToHost) + ":" + c.ToPort
}

func joinField(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

// parseConnectTo parses "H:P:H2:P2". IPv6 addresses are written in brackets
// ("[::1]"); hosts are compared case-insensitively, ports must be numbers in
// 1–65535 when given.
func parseConnectTo(s string) (connectTo, error) {
	fields, err := splitConnectTo(s)
	if err != nil {
		return connectTo{}, err
	}
	if len(fields) != 4 {
		return connectTo{}, fmt.Errorf("%q: want HOST:PORT:HOST2:PORT2 (IPv6 in brackets), got %d fields", s, len(fields))
	}
	c := connectTo{
		FromHost: strings.TrimSuffix(strings.ToLower(fields[0]), "."),
		FromPort: fields[1],
		ToHost:   fields[2],
		ToPort:   fields[3],
	}
	for _, p := range []string{c.FromPort, c.ToPort} {
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return connectTo{}, fmt.Errorf("%q: port %q is not a number in 1-65535", s, p)
		}
	}
	if c.ToHost == "" && c.ToPort == "" {
		return connectTo{}, fmt.Errorf("%q: names no host or port to connect to", s)
	}
	return c, nil
}

// splitConnectTo splits s at colons outside brackets and strips the brackets.
func splitConnectTo(s string) ([]string, error) {
	var fields []string
	for {
		var field string
		if strings.HasPrefix(s, "[") {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, fmt.Errorf("%q: unclosed '['", s)
			}
			field = s[1:end]
			if field == "" || strings.ContainsAny(field, "[]") {
				return nil, fmt.Errorf("%q: bad bracketed address", s)
			}
			s = s[end+1:]
			if s != "" && s[0] != ':' {
				return nil, fmt.Errorf("%q: ']' must be followed by ':'", s)
			}
		} else {
			i := strings.IndexByte(s, ':')
			if i < 0 {
				i = len(s)
			}
			field = s[:i]
			if strings.ContainsAny(field, "[]") {
				return nil, fmt.Errorf("%q: stray bracket", s)
			}
			s = s[i:]
		}
		fields = append(fields, field)
		if s == "" {
			return fields, nil
		}
		s = s[1:] // the colon
		if len(fields) > 4 {
			return nil, errors.New("too many fields")
		}
	}
}

// connectToFlag collects repeated -connect-to flags.
type connectToFlag []connectTo

func (f *connectToFlag) String() string {
	if f == nil {
		return ""
	}
	s := make([]string, len(*f))
	for i, c := range *f {
		s[i] = c.String()
	}
	return strings.Join(s, ",")
}

func (f *connectToFlag) Set(v string) error {
	c, err := parseConnectTo(v)
	if err != nil {
		return err
	}
	*f = append(*f, c)
	return nil
}

// A dialer sends connections for the addresses a -connect-to rule matches
// elsewhere. TLS above it still uses the original host for SNI and
// verification, since only the address handed to the network changes. The
// first matching rule wins.
//
// Its connections go through a *net.Dialer whose Control runs the egress
// guard on the address actually dialled (after -connect-to and DNS), before
// connecting: a refused address never sees a packet. appident checks a
// Dialer of another type only after it has connected, so this one refuses
// by itself, with the rules appident applies: without -allow-private, public
// addresses only, and port 443 for what was to be dialled on 443 (the
// redirect host, an https fetch), 80 or 443 for anything else (an OCSP or
// CRL fetch over http). appident dials the redirect host on 443 only (any
// other port is a development target, not dialled).
type dialer struct {
	rules []connectTo
	https *net.Dialer // for addresses to be dialled on port 443
	fetch *net.Dialer // for the others: OCSP and CRL over http
}

// DialContext implements tlsinspect.Dialer.
func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	base := d.fetch
	if _, port, err := net.SplitHostPort(address); err == nil && port == "443" {
		base = d.https
	}
	return base.DialContext(ctx, network, d.rewrite(address))
}

// newDialer returns the dialer for rules: guarded as appident would guard
// it, its host names resolved through servers when there are any (-dns).
func newDialer(rules []connectTo, allowPrivate bool, servers []string) *dialer {
	base := &net.Dialer{}
	if len(servers) > 0 {
		base.Resolver = hostResolver(servers)
	}
	return &dialer{
		rules: rules,
		https: egress.Guard{AllowPrivate: allowPrivate, Ports: []uint16{443}}.Dialer(base),
		fetch: egress.Guard{AllowPrivate: allowPrivate, Ports: []uint16{80, 443}}.Dialer(base),
	}
}

// rewrite returns the address to dial for address.
func (d *dialer) rewrite(address string) string {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return address
	}
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	for _, r := range d.rules {
		if (r.FromHost == "" || r.FromHost == h) && (r.FromPort == "" || r.FromPort == port) {
			toHost, toPort := r.ToHost, r.ToPort
			if toHost == "" {
				toHost = host
			}
			if toPort == "" {
				toPort = port
			}
			return net.JoinHostPort(toHost, toPort)
		}
	}
	return address
}
