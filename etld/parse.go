package etld

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxURILength is the longest redirect URI Parse accepts, in bytes.
const maxURILength = 8 << 10

// Parse returns the site the redirect URI lives on, using the full Public
// Suffix List. It is Parser{}.Parse: see there.
func Parse(redirectURI string) (Site, error) {
	return Parser{}.Parse(redirectURI)
}

// Parse returns the site the redirect URI lives on: its scheme, host,
// effective port, public suffix and eTLD+1 under p.Mode, and the eTLD+1 as
// a patient should see it.
//
// A development target parses without error, with Site.Development giving
// the reasons: plain http, a port other than 443, localhost and
// *.localhost, an IP literal, a name under a reserved suffix (.test,
// .example, .invalid, .local, .home.arpa, .internal), a single label.
// ETLDPlusOne is then empty when there is none (IP literals, single
// labels), and DisplayDomain is the host.
//
// The error is an *Error. The raw string is checked before net/url sees it,
// since browsers read some strings differently: it refuses anything over
// 8 KiB, invalid UTF-8, white space, control and invisible format
// characters and backslashes anywhere, a fragment (RFC 6749 §3.1.2), a
// missing scheme, a scheme other than https and http (private-use schemes
// of native apps with ErrPrivateScheme: RFC 8252 §7.2 advises a claimed
// https redirect URI), a missing authority or host, userinfo, an invalid
// port, a percent-encoded host, and any host [Parser.ETLDPlusOne] refuses
// except IP literals, single labels and reserved names. net/url must then
// agree on the scheme, host and port.
func (p Parser) Parse(redirectURI string) (Site, error) {
	u, err := readURI(redirectURI)
	if err != nil {
		return Site{}, err
	}
	site := Site{Scheme: u.scheme, Host: u.host, Port: u.port}
	site.Development = development(u.scheme, u.host, u.kind, u.port)
	if u.kind == kindName {
		etld1, suffix, icann, err := p.registrable(u.rawHost, u.host)
		if err != nil && site.Development&(DevLocalhost|DevReservedName|DevSingleLabel) == 0 {
			return Site{}, uriError(redirectURI, err)
		}
		site.ETLDPlusOne, site.PublicSuffix, site.ICANN = etld1, suffix, icann
	}
	if site.ETLDPlusOne != "" {
		site.DisplayDomain = DisplayDomain(site.ETLDPlusOne)
	} else {
		site.DisplayDomain = DisplayDomain(u.host)
	}
	return site, nil
}

// uri is a redirect URI's authority as read by readURI.
type uri struct {
	scheme  string   // "https" or "http"
	rawHost string   // the host as written
	host    string   // normalized: lowercase A-labels, IPs in canonical form
	kind    hostKind // name, IPv4 or IPv6
	port    int      // the effective port
}

// readURI reads a redirect URI's scheme and authority strictly, as
// browsers would, and requires net/url to read them the same way.
func readURI(s string) (uri, error) {
	fail := func(reason string, err error) (uri, error) {
		return uri{}, &Error{URI: s, Reason: reason, Err: err, parse: true}
	}
	switch {
	case s == "":
		return fail(reasonEmpty, nil)
	case len(s) > maxURILength:
		return fail(reasonTooLong, nil)
	}
	if r := checkChars(s); r != "" {
		return fail(r, nil)
	}
	scheme, rest, reason := splitScheme(s)
	if reason != "" {
		return fail(reason, nil)
	}
	host, portStr, hasPort, reason := splitAuthority(rest)
	if reason != "" {
		return fail(reason, nil)
	}
	port := 443
	if scheme == "http" {
		port = 80
	}
	if hasPort && portStr != "" { // "host:" means the default port
		n, ok := parsePort(portStr)
		if !ok {
			return fail(reasonPort, nil)
		}
		port = n
	}
	norm, kind, err := normalizeHost(host)
	if err != nil {
		return uri{}, uriError(s, err)
	}
	if err := netURLAgrees(s, scheme, host, portStr); err != nil {
		return fail(reasonSyntax, err)
	}
	return uri{scheme: scheme, rawHost: host, host: norm, kind: kind, port: port}, nil
}

// uriError turns the *Error of a host into the error of the redirect URI s.
func uriError(s string, err error) error {
	e := *err.(*Error)
	e.URI, e.parse = s, true
	return &e
}

// splitScheme splits an https or http URI after "scheme://", or says why
// it cannot (RFC 3986 §3.1). Browsers forgive "https:host" and
// "https:///host"; net/url does not read them alike, so they are refused.
func splitScheme(s string) (scheme, rest, reason string) {
	colon := schemeEnd(s)
	if colon < 0 {
		return "", "", reasonNotAbsolute
	}
	scheme = strings.ToLower(s[:colon])
	switch {
	case scheme != "https" && scheme != "http" && isPrivateUseScheme(scheme):
		return "", "", reasonPrivateScheme
	case scheme != "https" && scheme != "http":
		return "", "", reasonScheme
	case !strings.HasPrefix(s[colon+1:], "//"):
		return "", "", reasonNoHost
	}
	return scheme, s[colon+3:], ""
}

// splitAuthority splits the authority at the start of rest into host and
// port (RFC 3986 §3.2), or says why it cannot.
func splitAuthority(rest string) (host, port string, hasPort bool, reason string) {
	authority := rest
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority = rest[:i]
	}
	if strings.IndexByte(authority, '@') >= 0 {
		return "", "", false, reasonUserinfo
	}
	host = authority
	if strings.HasPrefix(authority, "[") {
		end := strings.IndexByte(authority, ']')
		if end < 0 {
			return "", "", false, reasonInvalidHost
		}
		host = authority[:end+1]
		if after := authority[end+1:]; after != "" {
			if after[0] != ':' {
				return "", "", false, reasonPort
			}
			port, hasPort = after[1:], true
		}
	} else if i := strings.IndexByte(authority, ':'); i >= 0 {
		host, port, hasPort = authority[:i], authority[i+1:], true
	}
	switch {
	case host == "":
		return "", "", false, reasonNoHost
	case strings.IndexByte(host, '%') >= 0:
		return "", "", false, reasonPercentEncodedHost
	}
	return host, port, hasPort, ""
}

// netURLAgrees reports an error unless net/url reads the same scheme, host
// and port in s.
func netURLAgrees(s, scheme, host, port string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != scheme || u.Opaque != "" || u.User != nil || u.Fragment != "" ||
		u.Port() != port || !strings.EqualFold(u.Hostname(), strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")) {
		return fmt.Errorf("net/url reads the URI differently (host %s)", quote(u.Host))
	}
	return nil
}

// checkChars finds the first character a redirect URI may not hold.
func checkChars(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
				return reasonWhitespace
			case c < 0x20 || c == 0x7f:
				return reasonControl
			case c == '\\':
				return reasonBackslash
			case c == '#':
				return reasonFragment
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return reasonInvalidUTF8
		case unicode.IsSpace(r):
			return reasonWhitespace
		case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp):
			return reasonControl
		}
		i += size
	}
	return ""
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
