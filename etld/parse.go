package etld

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxURILength is the longest redirect URI [Parse] accepts, in bytes.
const MaxURILength = 8 << 10

// Parse returns the site the redirect URI lives on, using the full Public
// Suffix List. It is Parser{}.Parse: see there.
func Parse(redirectURI string) (Site, error) {
	return Parser{}.Parse(redirectURI)
}

// Parse returns the site the redirect URI lives on: its scheme, host,
// effective port, public suffix and eTLD+1 under p.Mode, and the eTLD+1 as
// a patient should see it.
//
// A development target parses without error, with Development set and the
// reasons given: plain http, a port other than 443, localhost and
// *.localhost, an IP literal, a name under a reserved suffix (.test,
// .example, .invalid, .local, .home.arpa, .internal), a single label.
// ETLDPlusOne is then empty when there is none (IP literals, single
// labels), and DisplayDomain is the host.
//
// The error is always a *ParseError whose Reason matches a sentinel with
// errors.Is. The raw string is checked before net/url sees it, since
// browsers read some strings differently: it refuses anything over
// MaxURILength, invalid UTF-8, white space, control and invisible format
// characters and backslashes anywhere, a fragment (RFC 6749 §3.1.2), a
// missing scheme, a scheme other than https and http (private-use schemes
// of native apps with ErrPrivateScheme: RFC 8252 §7.2 advises a claimed
// https redirect URI), a missing authority or host, userinfo, an invalid
// port, a percent-encoded host, and any host [Parser.ETLDPlusOne] refuses
// except IP literals, single labels and reserved names (the ParseError then
// wraps the *HostError). net/url must then agree on the scheme, host and
// port.
func (p Parser) Parse(redirectURI string) (Site, error) {
	fail := func(r Reason, err error) (Site, error) {
		return Site{}, &ParseError{URI: redirectURI, Reason: r, Err: err}
	}
	s := redirectURI
	if s == "" {
		return fail(ReasonEmpty, nil)
	}
	if len(s) > MaxURILength {
		return fail(ReasonTooLong, nil)
	}
	if r := checkChars(s); r != ReasonNone {
		return fail(r, nil)
	}

	// Scheme (RFC 3986 §3.1).
	colon := schemeEnd(s)
	if colon < 0 {
		return fail(ReasonNotAbsolute, nil)
	}
	scheme := strings.ToLower(s[:colon])
	switch scheme {
	case "https", "http":
	default:
		if isPrivateUseScheme(scheme) {
			return fail(ReasonPrivateScheme, nil)
		}
		return fail(ReasonScheme, nil)
	}

	// Authority (RFC 3986 §3.2), read strictly: browsers forgive
	// "https:host" and "https:///host", net/url does not read them alike.
	rest := s[colon+1:]
	if !strings.HasPrefix(rest, "//") {
		return fail(ReasonNoHost, nil)
	}
	rest = rest[2:]
	authority := rest
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority = rest[:i]
	}
	if strings.IndexByte(authority, '@') >= 0 {
		return fail(ReasonUserinfo, nil)
	}
	host, portStr, hasPort := authority, "", false
	if strings.HasPrefix(authority, "[") {
		end := strings.IndexByte(authority, ']')
		if end < 0 {
			return fail(ReasonInvalidHost, hostError(authority, ReasonInvalidHost, fmt.Errorf("unclosed IPv6 literal")))
		}
		host = authority[:end+1]
		if after := authority[end+1:]; after != "" {
			if after[0] != ':' {
				return fail(ReasonPort, nil)
			}
			portStr, hasPort = after[1:], true
		}
	} else if i := strings.IndexByte(authority, ':'); i >= 0 {
		host, portStr, hasPort = authority[:i], authority[i+1:], true
	}
	if host == "" {
		return fail(ReasonNoHost, nil)
	}
	if strings.IndexByte(host, '%') >= 0 {
		return fail(ReasonPercentEncodedHost, nil)
	}
	port := 443
	if scheme == "http" {
		port = 80
	}
	if hasPort && portStr != "" { // "host:" means the default port
		n, ok := parsePort(portStr)
		if !ok {
			return fail(ReasonPort, nil)
		}
		port = n
	}

	norm, kind, err := normalizeHost(host)
	if err != nil {
		return fail(reasonOf(err), err)
	}

	// net/url must read it the same way.
	u, err := url.Parse(s)
	if err != nil {
		return fail(ReasonSyntax, err)
	}
	if u.Scheme != scheme || u.Opaque != "" || u.User != nil || u.Fragment != "" ||
		u.Port() != portStr || !strings.EqualFold(u.Hostname(), strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")) {
		return fail(ReasonSyntax, fmt.Errorf("net/url reads the URI differently (host %s)", quote(u.Host)))
	}
	site := Site{Scheme: scheme, Host: norm, Port: port}
	var dev devSet
	switch kind {
	case kindIPv4, kindIPv6:
		dev.add(DevIPLiteral)
	default:
		reserved := false
		if underSuffix(norm, "localhost") {
			dev.add(DevLocalhost)
			reserved = true
		} else if _, _, ok := reservedSuffix(norm); ok {
			dev.add(DevReservedName)
			reserved = true
		}
		if !reserved && strings.IndexByte(norm, '.') < 0 {
			dev.add(DevSingleLabel)
			reserved = true
		}
		etld1, suffix, icann, err := p.registrable(host, norm)
		site.PublicSuffix, site.ICANN = suffix, icann
		if err != nil {
			if !reserved {
				return fail(reasonOf(err), err)
			}
		} else {
			site.ETLDPlusOne = etld1
			site.DisplayDomain = DisplayDomain(etld1)
		}
	}
	if site.DisplayDomain == "" {
		site.DisplayDomain = DisplayDomain(norm)
	}
	if scheme == "http" {
		dev.add(DevPlainHTTP)
	}
	if port != 443 && !(scheme == "http" && port == 80) {
		dev.add(DevPort)
	}
	if dev != 0 {
		site.Development = true
		site.DevReason = dev.first()
		site.DevelopmentReason = dev.describe(norm, port)
	}
	return site, nil
}

// reasonOf returns the Reason of a *HostError, or ReasonInvalidHost.
func reasonOf(err error) Reason {
	var he *HostError
	if errors.As(err, &he) {
		return he.Reason
	}
	return ReasonInvalidHost
}

// checkChars finds the first character a redirect URI may not hold.
func checkChars(s string) Reason {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
				return ReasonWhitespace
			case c < 0x20 || c == 0x7f:
				return ReasonControl
			case c == '\\':
				return ReasonBackslash
			case c == '#':
				return ReasonFragment
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return ReasonInvalidUTF8
		case unicode.IsSpace(r):
			return ReasonWhitespace
		case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp):
			return ReasonControl
		}
		i += size
	}
	return ReasonNone
}

// schemeEnd returns the index of the colon ending a valid scheme, or -1.
// "host:8080/path" has no scheme: its "scheme" would be followed by a port.
func schemeEnd(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.':
			if i == 0 {
				return -1
			}
		case c == ':':
			if i == 0 {
				return -1
			}
			j := i + 1
			for j < len(s) && '0' <= s[j] && s[j] <= '9' {
				j++
			}
			if j > i+1 && (j == len(s) || s[j] == '/' || s[j] == '?') {
				return -1 // "localhost:8080/cb"
			}
			return i
		default:
			return -1
		}
	}
	return -1
}

// notAppSchemes are schemes that are not a native app's private-use scheme.
var notAppSchemes = map[string]bool{
	"about": true, "blob": true, "data": true, "file": true, "filesystem": true,
	"ftp": true, "ftps": true, "gopher": true, "irc": true, "javascript": true,
	"ldap": true, "ldaps": true, "mailto": true, "news": true, "nntp": true,
	"sftp": true, "sip": true, "sips": true, "sms": true, "ssh": true,
	"tel": true, "telnet": true, "urn": true, "vbscript": true,
	"view-source": true, "ws": true, "wss": true, "xmpp": true,
}

// isPrivateUseScheme reports whether a scheme other than http(s) is a
// native app's private-use scheme (RFC 8252 §7.1): any scheme but a few
// well-known ones that belong to something else.
func isPrivateUseScheme(scheme string) bool {
	return !notAppSchemes[scheme]
}

// parsePort parses a decimal port from 1 to 65535; leading zeros are
// allowed, as browsers allow them.
func parsePort(s string) (int, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	s = strings.TrimLeft(s, "0")
	if s == "" || len(s) > 5 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, false
	}
	return n, true
}

// devSet is a set of DevReasons, as bits.
type devSet uint8

func (d *devSet) add(r DevReason) { *d |= 1 << r }

func (d devSet) has(r DevReason) bool { return d&(1<<r) != 0 }

func (d devSet) first() DevReason {
	for r := DevIPLiteral; r <= DevPort; r++ {
		if d.has(r) {
			return r
		}
	}
	return DevNone
}

func (d devSet) describe(host string, port int) string {
	var parts []string
	if d.has(DevIPLiteral) {
		parts = append(parts, fmt.Sprintf("host %s is an IP address, not a domain name", quote(host)))
	}
	if d.has(DevLocalhost) {
		parts = append(parts, fmt.Sprintf("host %s names the local machine (RFC 6761 §6.3)", quote(host)))
	}
	if d.has(DevReservedName) {
		name, why, _ := reservedSuffix(host)
		parts = append(parts, fmt.Sprintf("host %s is in .%s, %s", quote(host), name, why))
	}
	if d.has(DevSingleLabel) {
		parts = append(parts, fmt.Sprintf("host %s is a single label, not a domain on the public Internet", quote(host)))
	}
	if d.has(DevPlainHTTP) {
		parts = append(parts, "the scheme is http: a redirect URI must use https")
	}
	if d.has(DevPort) {
		parts = append(parts, fmt.Sprintf("port %d: only port 443 can be assessed", port))
	}
	return strings.Join(parts, "; ")
}
