package etld

import "fmt"

// DevReason says why a redirect URI is a development target that cannot be
// assessed.
type DevReason int

const (
	// DevNone: not a development target.
	DevNone DevReason = iota
	// DevIPLiteral: the host is an IPv4 or IPv6 address.
	DevIPLiteral
	// DevLocalhost: the host is localhost or under .localhost (RFC 6761 §6.3).
	DevLocalhost
	// DevReservedName: the host is under a name reserved for testing,
	// documentation, local networks or private use: .test, .example,
	// .invalid (RFC 6761), .local (RFC 6762), .home.arpa (RFC 8375) and
	// .internal (reserved by ICANN for private use).
	DevReservedName
	// DevSingleLabel: the host is a single label ("intranet"), which only
	// a local search domain can resolve.
	DevSingleLabel
	// DevPlainHTTP: the scheme is http, not https.
	DevPlainHTTP
	// DevPort: the port is not 443.
	DevPort
)

var devReasonNames = [...]string{
	DevNone:         "none",
	DevIPLiteral:    "ip-literal",
	DevLocalhost:    "localhost",
	DevReservedName: "reserved-name",
	DevSingleLabel:  "single-label",
	DevPlainHTTP:    "plain-http",
	DevPort:         "port",
}

// String returns the reason's short name, such as "localhost" or "plain-http".
func (d DevReason) String() string {
	if d >= 0 && int(d) < len(devReasonNames) {
		return devReasonNames[d]
	}
	return fmt.Sprintf("DevReason(%d)", int(d))
}

// MarshalText encodes the reason as its String.
func (d DevReason) MarshalText() ([]byte, error) {
	if d < 0 || int(d) >= len(devReasonNames) {
		return nil, fmt.Errorf("etld: cannot marshal unknown DevReason(%d)", int(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes a reason from its String.
func (d *DevReason) UnmarshalText(text []byte) error {
	for i, name := range devReasonNames {
		if name == string(text) {
			*d = DevReason(i)
			return nil
		}
	}
	return fmt.Errorf("etld: unknown development reason %s", quote(string(text)))
}

// reservedSuffixes are the special-use names a redirect URI may use for
// development, and why each is not a site on the public Internet.
var reservedSuffixes = []struct{ name, why string }{
	{"test", "reserved for testing (RFC 6761 §6.2)"},
	{"example", "reserved for documentation (RFC 6761 §6.5)"},
	{"invalid", "reserved as never valid (RFC 6761 §6.4)"},
	{"local", "used by multicast DNS on the local link (RFC 6762)"},
	{"home.arpa", "reserved for home networks (RFC 8375)"},
	{"internal", "reserved by ICANN for private use"},
}

// reservedSuffix returns the reserved suffix that the name h is or is under.
func reservedSuffix(h string) (name, why string, ok bool) {
	for _, s := range reservedSuffixes {
		if underSuffix(h, s.name) {
			return s.name, s.why, true
		}
	}
	return "", "", false
}

func underSuffix(h, suffix string) bool {
	return h == suffix || len(h) > len(suffix) && h[len(h)-len(suffix)-1] == '.' && h[len(h)-len(suffix):] == suffix
}
