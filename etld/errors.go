package etld

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Reason says why a host or a redirect URI was refused. Each Reason has a
// sentinel error (ErrEmpty for ReasonEmpty, and so on) that [HostError] and
// [ParseError] match with errors.Is.
type Reason int

// Reasons a host is refused, by [ETLDPlusOne] and by [Parse].
const (
	// ReasonNone is the zero value; no error carries it.
	ReasonNone Reason = iota
	// ReasonEmpty: the host (or the redirect URI) is empty.
	ReasonEmpty
	// ReasonEmptyLabel: a leading dot, two dots in a row, or two trailing dots.
	ReasonEmptyLabel
	// ReasonLabelTooLong: a label is longer than 63 bytes in its A-label form.
	ReasonLabelTooLong
	// ReasonNameTooLong: the name is longer than 253 bytes in its A-label form.
	ReasonNameTooLong
	// ReasonIPLiteral: the host is an IP address, not a domain name. This
	// includes names that browsers read as IPv4 addresses because their last
	// label is a number ("127.1", "0x7f.1").
	ReasonIPLiteral
	// ReasonPublicSuffix: the host is itself a public suffix ("co.uk").
	ReasonPublicSuffix
	// ReasonSingleLabel: the host has one label ("com", "intranet").
	ReasonSingleLabel
	// ReasonInvalidHost: the host has a character a host name may not have
	// (STD3 rules: letters, digits and hyphens only), a label that starts or
	// ends with a hyphen, or fails IDNA (UTS #46) processing.
	ReasonInvalidHost
	// ReasonInvalidPunycode: an "xn--" label does not decode to a valid
	// Unicode label.
	ReasonInvalidPunycode
)

// Reasons a redirect URI is refused, by [Parse] only.
const (
	// ReasonTooLong: the redirect URI is longer than [MaxURILength].
	ReasonTooLong Reason = ReasonInvalidPunycode + 1 + iota
	// ReasonInvalidUTF8: the redirect URI is not valid UTF-8.
	ReasonInvalidUTF8
	// ReasonWhitespace: the redirect URI contains a space, tab, newline or
	// other white space, anywhere.
	ReasonWhitespace
	// ReasonControl: the redirect URI contains a control or an invisible
	// format character (bidi controls, zero-width joiners), anywhere.
	ReasonControl
	// ReasonBackslash: the redirect URI contains a backslash, which browsers
	// read as a slash in http(s) URLs and net/url does not.
	ReasonBackslash
	// ReasonNotAbsolute: the redirect URI has no scheme.
	ReasonNotAbsolute
	// ReasonScheme: the scheme is neither https nor http.
	ReasonScheme
	// ReasonPrivateScheme: the scheme is a private-use scheme of a native app
	// ("com.example.app:/cb"). RFC 8252 §7.2 advises a claimed https
	// redirect URI instead.
	ReasonPrivateScheme
	// ReasonNoHost: the redirect URI has no authority ("https:/cb",
	// "https:example.com") or an empty host.
	ReasonNoHost
	// ReasonUserinfo: the authority has userinfo ("https://good.com@evil.com/"),
	// which readers of the URI take for the host.
	ReasonUserinfo
	// ReasonFragment: the redirect URI has a fragment, which RFC 6749 §3.1.2
	// forbids.
	ReasonFragment
	// ReasonPort: the port is not a decimal number from 1 to 65535.
	ReasonPort
	// ReasonPercentEncodedHost: the host contains percent-encoding.
	ReasonPercentEncodedHost
	// ReasonSyntax: net/url refuses the redirect URI, or reads its scheme,
	// host or port differently from this package.
	ReasonSyntax
)

var reasonInfo = map[Reason]struct {
	name, text string
	sentinel   error
}{
	ReasonNone:               {"none", "no error", nil},
	ReasonEmpty:              {"empty", "is empty", ErrEmpty},
	ReasonEmptyLabel:         {"empty-label", "has an empty label (a leading dot or two dots in a row)", ErrEmptyLabel},
	ReasonLabelTooLong:       {"label-too-long", "has a label longer than 63 bytes", ErrLabelTooLong},
	ReasonNameTooLong:        {"name-too-long", "is longer than 253 bytes", ErrNameTooLong},
	ReasonIPLiteral:          {"ip-literal", "is an IP address, not a domain name", ErrIPLiteral},
	ReasonPublicSuffix:       {"public-suffix", "is itself a public suffix: it has no registrable domain", ErrPublicSuffix},
	ReasonSingleLabel:        {"single-label", "is a single label with no public suffix", ErrSingleLabel},
	ReasonInvalidHost:        {"invalid-host", "is not a valid host name", ErrInvalidHost},
	ReasonInvalidPunycode:    {"invalid-punycode", "has an xn-- label that is not valid punycode", ErrInvalidPunycode},
	ReasonTooLong:            {"too-long", "is too long", ErrTooLong},
	ReasonInvalidUTF8:        {"invalid-utf8", "is not valid UTF-8", ErrInvalidUTF8},
	ReasonWhitespace:         {"whitespace", "contains white space", ErrWhitespace},
	ReasonControl:            {"control", "contains a control or invisible format character", ErrControl},
	ReasonBackslash:          {"backslash", "contains a backslash, which browsers read as a slash", ErrBackslash},
	ReasonNotAbsolute:        {"not-absolute", "is not an absolute URI (no scheme)", ErrNotAbsolute},
	ReasonScheme:             {"scheme", "has a scheme other than https or http", ErrScheme},
	ReasonPrivateScheme:      {"private-scheme", "uses a private-use URI scheme; RFC 8252 §7.2 advises native apps to use a claimed https redirect URI instead", ErrPrivateScheme},
	ReasonNoHost:             {"no-host", "has no host (an https or http URI must start with scheme://host)", ErrNoHost},
	ReasonUserinfo:           {"userinfo", "has userinfo (user@ before the host), which can make one host read as another", ErrUserinfo},
	ReasonFragment:           {"fragment", "has a fragment (#), which RFC 6749 §3.1.2 forbids in a redirect URI", ErrFragment},
	ReasonPort:               {"port", "has an invalid port (not a number from 1 to 65535)", ErrPort},
	ReasonPercentEncodedHost: {"percent-encoded-host", "has percent-encoding in its host", ErrPercentEncodedHost},
	ReasonSyntax:             {"syntax", "is not a valid URI", ErrSyntax},
}

// Sentinel errors, one per [Reason]. A [HostError] or [ParseError] matches the
// sentinel of its Reason with errors.Is.
var (
	ErrEmpty              = errors.New("etld: empty")
	ErrEmptyLabel         = errors.New("etld: empty label")
	ErrLabelTooLong       = errors.New("etld: label longer than 63 bytes")
	ErrNameTooLong        = errors.New("etld: name longer than 253 bytes")
	ErrIPLiteral          = errors.New("etld: IP literal")
	ErrPublicSuffix       = errors.New("etld: host is a public suffix")
	ErrSingleLabel        = errors.New("etld: single-label host")
	ErrInvalidHost        = errors.New("etld: invalid host name")
	ErrInvalidPunycode    = errors.New("etld: invalid punycode")
	ErrTooLong            = errors.New("etld: redirect URI too long")
	ErrInvalidUTF8        = errors.New("etld: invalid UTF-8")
	ErrWhitespace         = errors.New("etld: white space in redirect URI")
	ErrControl            = errors.New("etld: control character in redirect URI")
	ErrBackslash          = errors.New("etld: backslash in redirect URI")
	ErrNotAbsolute        = errors.New("etld: redirect URI not absolute")
	ErrScheme             = errors.New("etld: scheme not https or http")
	ErrPrivateScheme      = errors.New("etld: private-use URI scheme (RFC 8252 §7.2: use a claimed https redirect URI)")
	ErrNoHost             = errors.New("etld: redirect URI has no host")
	ErrUserinfo           = errors.New("etld: userinfo in redirect URI")
	ErrFragment           = errors.New("etld: fragment in redirect URI")
	ErrPort               = errors.New("etld: invalid port")
	ErrPercentEncodedHost = errors.New("etld: percent-encoded host")
	ErrSyntax             = errors.New("etld: invalid URI syntax")
)

// String returns the reason's short name, such as "userinfo" or "empty-label".
func (r Reason) String() string {
	if info, ok := reasonInfo[r]; ok {
		return info.name
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Err returns the sentinel error of the reason, or nil for ReasonNone and
// unknown values.
func (r Reason) Err() error { return reasonInfo[r].sentinel }

func (r Reason) text() string {
	if info, ok := reasonInfo[r]; ok {
		return info.text
	}
	return "is invalid"
}

// MarshalText encodes the reason as its String.
func (r Reason) MarshalText() ([]byte, error) {
	if _, ok := reasonInfo[r]; !ok {
		return nil, fmt.Errorf("etld: cannot marshal unknown Reason(%d)", int(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText decodes a reason from its String.
func (r *Reason) UnmarshalText(text []byte) error {
	for k, info := range reasonInfo {
		if info.name == string(text) {
			*r = k
			return nil
		}
	}
	return fmt.Errorf("etld: unknown reason %q", quote(string(text)))
}

// HostError is the error [ETLDPlusOne] returns, and the one a [ParseError]
// wraps when the redirect URI's host is at fault.
type HostError struct {
	// Host is the host as given, before any normalization.
	Host string
	// Reason says what is wrong with it.
	Reason Reason
	// Err is the underlying error (from golang.org/x/net/idna, say), or nil.
	Err error
}

func (e *HostError) Error() string {
	msg := fmt.Sprintf("etld: host %s %s", quote(e.Host), e.Reason.text())
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is reports whether target is the sentinel error of e.Reason.
func (e *HostError) Is(target error) bool {
	return target != nil && target == e.Reason.Err()
}

// Unwrap returns e.Err.
func (e *HostError) Unwrap() error { return e.Err }

// ParseError is the error [Parse] returns.
type ParseError struct {
	// URI is the redirect URI as given.
	URI string
	// Reason says what is wrong with it.
	Reason Reason
	// Err is the underlying error: a *HostError when the host is at fault, an
	// error from net/url, or nil.
	Err error
}

func (e *ParseError) Error() string {
	msg := fmt.Sprintf("etld: redirect URI %s %s", quote(e.URI), e.Reason.text())
	if e.Err != nil {
		var he *HostError
		if errors.As(e.Err, &he) {
			msg = fmt.Sprintf("etld: redirect URI %s: host %s %s", quote(e.URI), quote(he.Host), he.Reason.text())
			if he.Err != nil {
				msg += ": " + he.Err.Error()
			}
		} else {
			msg += ": " + e.Err.Error()
		}
	}
	return msg
}

// Is reports whether target is the sentinel error of e.Reason.
func (e *ParseError) Is(target error) bool {
	return target != nil && target == e.Reason.Err()
}

// Unwrap returns e.Err.
func (e *ParseError) Unwrap() error { return e.Err }

// maxQuoted is how many bytes of an input an error message quotes.
const maxQuoted = 96

// quote quotes s for an error message, truncated to about maxQuoted bytes at
// a rune boundary, with an ellipsis after the quote when cut.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return fmt.Sprintf("%q", s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q…(%d bytes)", s[:cut], len(s))
}

func hostError(host string, r Reason, err error) error {
	return &HostError{Host: host, Reason: r, Err: err}
}
