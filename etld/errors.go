package etld

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Error is the error [ETLDPlusOne] and [Parse] return. Reason names what is
// wrong with a short stable key (the package documentation lists them all);
// the refusals callers act on also match a sentinel error with errors.Is:
// [ErrPrivateScheme], [ErrPublicSuffix] and [ErrIPLiteral].
type Error struct {
	// URI is the redirect URI as given to Parse; empty from ETLDPlusOne.
	URI string
	// Host is the host as given, when the host is at fault.
	Host string
	// Reason is what is wrong, such as "userinfo" or "empty-label".
	Reason string
	// Err is the underlying error (from golang.org/x/net/idna or net/url), or nil.
	Err error

	parse bool // from Parse: the message names the URI
}

// Sentinel errors, for the refusals callers branch on.
var (
	// ErrPrivateScheme: a native app's private-use scheme
	// ("com.example.app:/cb"); RFC 8252 §7.2 advises a claimed https
	// redirect URI instead.
	ErrPrivateScheme = errors.New("etld: private-use URI scheme (RFC 8252 §7.2: use a claimed https redirect URI)")
	// ErrPublicSuffix: the host is itself a public suffix ("co.uk"), so it has
	// no registrable domain.
	ErrPublicSuffix = errors.New("etld: host is a public suffix")
	// ErrIPLiteral: the host is an IP address, not a domain name (from
	// ETLDPlusOne; Parse accepts it as a development target).
	ErrIPLiteral = errors.New("etld: IP literal")
)

// Reasons, with the words an error message gives them.
const (
	reasonEmpty              = "empty"
	reasonEmptyLabel         = "empty-label"
	reasonLabelTooLong       = "label-too-long"
	reasonNameTooLong        = "name-too-long"
	reasonIPLiteral          = "ip-literal"
	reasonPublicSuffix       = "public-suffix"
	reasonSingleLabel        = "single-label"
	reasonInvalidHost        = "invalid-host"
	reasonInvalidPunycode    = "invalid-punycode"
	reasonUnicodeVersion     = "unicode-version"
	reasonTooLong            = "too-long"
	reasonInvalidUTF8        = "invalid-utf8"
	reasonWhitespace         = "whitespace"
	reasonControl            = "control"
	reasonBackslash          = "backslash"
	reasonNotAbsolute        = "not-absolute"
	reasonScheme             = "scheme"
	reasonPrivateScheme      = "private-scheme"
	reasonNoHost             = "no-host"
	reasonUserinfo           = "userinfo"
	reasonFragment           = "fragment"
	reasonPort               = "port"
	reasonPercentEncodedHost = "percent-encoded-host"
	reasonSyntax             = "syntax"
)

var reasonText = map[string]string{
	reasonEmpty:              "is empty",
	reasonEmptyLabel:         "has an empty label (a leading dot or two dots in a row)",
	reasonLabelTooLong:       "has a label longer than 63 bytes",
	reasonNameTooLong:        "is longer than 253 bytes",
	reasonIPLiteral:          "is an IP address, not a domain name",
	reasonPublicSuffix:       "is itself a public suffix: it has no registrable domain",
	reasonSingleLabel:        "is a single label with no public suffix",
	reasonInvalidHost:        "is not a valid host name",
	reasonInvalidPunycode:    "has an xn-- label that is not valid punycode",
	reasonUnicodeVersion:     "has a character this build's Unicode " + goUnicodeVersion + " tables do not know, so it cannot be read as browsers read it",
	reasonTooLong:            "is too long",
	reasonInvalidUTF8:        "is not valid UTF-8",
	reasonWhitespace:         "contains white space",
	reasonControl:            "contains a control or invisible format character",
	reasonBackslash:          "contains a backslash, which browsers read as a slash",
	reasonNotAbsolute:        "is not an absolute URI (no scheme)",
	reasonScheme:             "has a scheme other than https or http",
	reasonPrivateScheme:      "uses a private-use URI scheme; RFC 8252 §7.2 advises native apps to use a claimed https redirect URI instead",
	reasonNoHost:             "has no host (an https or http URI must start with scheme://host)",
	reasonUserinfo:           "has userinfo (user@ before the host), which can make one host read as another",
	reasonFragment:           "has a fragment (#), which RFC 6749 §3.1.2 forbids in a redirect URI",
	reasonPort:               "has an invalid port (not a number from 1 to 65535)",
	reasonPercentEncodedHost: "has percent-encoding in its host",
	reasonSyntax:             "is not a valid URI",
}

var reasonSentinel = map[string]error{
	reasonPrivateScheme: ErrPrivateScheme,
	reasonPublicSuffix:  ErrPublicSuffix,
	reasonIPLiteral:     ErrIPLiteral,
}

func (e *Error) Error() string {
	text, ok := reasonText[e.Reason]
	if !ok {
		text = "is invalid"
	}
	var msg string
	switch {
	case e.parse && e.Host != "":
		msg = fmt.Sprintf("etld: redirect URI %s: host %s %s", quote(e.URI), quote(e.Host), text)
	case e.parse:
		msg = fmt.Sprintf("etld: redirect URI %s %s", quote(e.URI), text)
	default:
		msg = fmt.Sprintf("etld: host %s %s", quote(e.Host), text)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is reports whether target is the sentinel error of e.Reason.
func (e *Error) Is(target error) bool {
	s, ok := reasonSentinel[e.Reason]
	return ok && target == s
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

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

// hostError is the error of a host; Parse adds the URI.
func hostError(host, reason string, err error) error {
	return &Error{Host: host, Reason: reason, Err: err}
}
