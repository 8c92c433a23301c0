package etld

import "strings"

// Development is the set of reasons a redirect URI is a development target,
// which is allowed but cannot be assessed: no certificate or DNS record there
// says who runs the app. The zero value means it is not one.
type Development uint8

// The reasons, in the order String gives them.
const (
	// DevIPLiteral: the host is an IPv4 or IPv6 address.
	DevIPLiteral Development = 1 << iota
	// DevLocalhost: the host is localhost or under .localhost (RFC 6761 §6.3).
	DevLocalhost
	// DevReservedName: the host is under a name reserved for testing,
	// documentation, local networks or private use: .test, .example,
	// .invalid (RFC 6761), .local (RFC 6762), .home.arpa (RFC 8375) and
	// .internal (reserved by ICANN for private use).
	DevReservedName
	// DevSingleLabel: the host is a single label ("intranet"), which only a
	// local search domain can resolve.
	DevSingleLabel
	// DevPlainHTTP: the scheme is http, not https.
	DevPlainHTTP
	// DevPort: the port is not 443.
	DevPort
)

var devText = []struct {
	d    Development
	text string
}{
	{DevIPLiteral, "the host is an IP address, not a domain name"},
	{DevLocalhost, "the host names the local machine (RFC 6761 §6.3)"},
	{DevReservedName, "the host is under a name reserved for tests, documentation or private networks"},
	{DevSingleLabel, "the host is a single label, not a domain on the public Internet"},
	{DevPlainHTTP, "the scheme is http: a redirect URI must use https"},
	{DevPort, "the port is not 443: only port 443 can be assessed"},
}

// String says in words why the redirect URI is a development target, every
// reason that applies separated by "; ", or "" for the zero value.
func (d Development) String() string {
	var parts []string
	for _, t := range devText {
		if d&t.d != 0 {
			parts = append(parts, t.text)
		}
	}
	return strings.Join(parts, "; ")
}

// reservedSuffixes are the special-use names a redirect URI may use for
// development.
var reservedSuffixes = []string{"test", "example", "invalid", "local", "home.arpa", "internal"}

// development returns why a redirect URI with this scheme, normalized host
// and port is a development target.
func development(scheme string, host string, kind hostKind, port int) Development {
	var d Development
	switch {
	case kind != kindName:
		d |= DevIPLiteral
	case underSuffix(host, "localhost"):
		d |= DevLocalhost
	case isReserved(host):
		d |= DevReservedName
	case strings.IndexByte(host, '.') < 0:
		d |= DevSingleLabel
	}
	if scheme == "http" {
		d |= DevPlainHTTP
	}
	if port != 443 && !(scheme == "http" && port == 80) {
		d |= DevPort
	}
	return d
}

func isReserved(h string) bool {
	for _, s := range reservedSuffixes {
		if underSuffix(h, s) {
			return true
		}
	}
	return false
}

func underSuffix(h, suffix string) bool {
	return h == suffix || len(h) > len(suffix) && h[len(h)-len(suffix)-1] == '.' && h[len(h)-len(suffix):] == suffix
}
