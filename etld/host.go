package etld

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Limits on a host name in its A-label form (RFC 1035 §2.3.4, less the
// trailing dot and the length octets).
const (
	maxLabel = 63
	maxName  = 253
	// maxRawHost bounds the input handed to IDNA processing. Every character
	// maps to at least one byte of output unless UTS #46 drops it (a soft
	// hyphen), so an input four times the limit cannot be a valid name in
	// practice; refusing it early keeps hostile input cheap.
	maxRawHost = 4 * maxName
)

// Parser finds the site of a host or redirect URI with a given reading of
// the Public Suffix List. Its zero value uses the full list, like the
// package-level functions.
type Parser struct {
	// Mode selects which sections of the list count as public suffixes. The
	// zero value, Full, uses both the ICANN and the private section.
	Mode Mode
}

// ETLDPlusOne returns the registrable domain (eTLD+1) of host, using the
// full Public Suffix List (ICANN and private sections), in lowercase ASCII
// with A-labels. It is Parser{}.ETLDPlusOne: see there.
func ETLDPlusOne(host string) (string, error) {
	return Parser{}.ETLDPlusOne(host)
}

// ETLDPlusOne returns the registrable domain (eTLD+1) of host: its public
// suffix under p.Mode plus one more label, in lowercase ASCII with A-labels
// ("WWW.Bücher.de." gives "xn--bcher-kva.de").
//
// The host is normalized first: lowercased, one trailing dot removed, and
// Unicode labels converted to A-labels with the Lookup profile of
// golang.org/x/net/idna, less its check of "--" in the third and fourth
// places, and with U+1E9E ẞ mapped to ß, as browsers do (UTS #46 of Unicode
// 17; see the package documentation). Unlisted top-level domains follow the list's
// default rule "*": "a.b.example" gives "b.example".
//
// The error, always an *Error, refuses an empty host ("empty"), a leading
// dot or empty label ("empty-label"), a label over 63 or a name over 253
// bytes ("label-too-long", "name-too-long"), an IP literal including what
// browsers read as IPv4 ("127.1", "0x7f.0.0.1"; "ip-literal", matching
// ErrIPLiteral), a name IDNA refuses ("invalid-host", "invalid-punycode",
// "unicode-version"), a single label ("single-label") and a host that is
// itself a public suffix ("public-suffix", matching ErrPublicSuffix).
func (p Parser) ETLDPlusOne(host string) (string, error) {
	h := host
	if !isFastHost(host) {
		norm, kind, err := normalizeHost(host)
		if err != nil {
			return "", err
		}
		if kind != kindName {
			return "", hostError(host, reasonIPLiteral, nil)
		}
		h = norm
	}
	etld1, _, _, err := p.registrable(host, h)
	return etld1, err
}

// registrable splits the normalized name h into its eTLD+1 and public
// suffix. The suffix is returned even when h has no eTLD+1. orig is the
// input, for the error.
func (p Parser) registrable(orig, h string) (etld1, suffix string, icann bool, err error) {
	suffix, icann = p.Mode.publicSuffix(h)
	if len(suffix) >= len(h) {
		if strings.IndexByte(h, '.') < 0 {
			return "", suffix, icann, hostError(orig, reasonSingleLabel, nil)
		}
		return "", suffix, icann, hostError(orig, reasonPublicSuffix, nil)
	}
	i := len(h) - len(suffix) - 1
	if h[i] != '.' {
		// The list only returns label-aligned suffixes; guard anyway.
		return "", suffix, icann, hostError(orig, reasonInvalidHost, fmt.Errorf("public suffix %q is not label-aligned", suffix))
	}
	return h[strings.LastIndexByte(h[:i], '.')+1:], suffix, icann, nil
}

// publicSuffix returns the public suffix of the normalized name h under m,
// and whether it comes from the ICANN section.
func (m Mode) publicSuffix(h string) (string, bool) {
	ps, icann := publicsuffix.PublicSuffix(h)
	if m != ICANNOnly || icann {
		return ps, icann
	}
	// The prevailing rule is a private one (or none: the default rule "*").
	// Walk up the labels to the longest suffix an ICANN rule governs.
	for {
		i := strings.IndexByte(ps, '.')
		if i < 0 {
			// A single label that no ICANN rule lists: the default rule.
			return ps, false
		}
		ps, icann = publicsuffix.PublicSuffix(ps[i+1:])
		if icann {
			return ps, true
		}
	}
}

// String returns "full" or "icann-only".
func (m Mode) String() string {
	switch m {
	case Full:
		return "full"
	case ICANNOnly:
		return "icann-only"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

type hostKind uint8

const (
	kindName hostKind = iota
	kindIPv4
	kindIPv6
)

// isFastHost reports whether host is already a valid lowercase ASCII name
// that IDNA processing would return unchanged: letters, digits and hyphens
// in labels of 1 to 63 bytes, no label starting or ending with a hyphen or
// with hyphens in its third and fourth places (so no "xn--" label), at
// least two labels, no trailing dot, at most 253 bytes, and a last label
// starting with a letter (so it is not read as an IPv4 address). Such a
// host skips golang.org/x/net/idna entirely; anything else takes the slow
// path, which gives the same answer for these hosts.
func isFastHost(s string) bool {
	n := len(s)
	if n == 0 || n > maxName {
		return false
	}
	start := 0 // start of the current label
	for i := 0; i < n; i++ {
		switch ldh[s[i]] {
		case ldhAlnum:
		case ldhDot:
			if l := i - start; l == 0 || l > maxLabel || s[i-1] == '-' {
				return false
			}
			start = i + 1
		case ldhHyphen:
			if i == start || i == start+3 && s[i-1] == '-' {
				return false
			}
		default:
			return false
		}
	}
	if start == 0 || start == n || n-start > maxLabel || s[n-1] == '-' {
		return false
	}
	c := s[start]
	return 'a' <= c && c <= 'z'
}

// Byte classes for isFastHost.
const (
	ldhOther = iota
	ldhAlnum
	ldhDot
	ldhHyphen
)

var ldh = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = ldhAlnum
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = ldhAlnum
	}
	t['.'] = ldhDot
	t['-'] = ldhHyphen
	return t
}()

// normalizeHost returns host in lowercase ASCII with A-labels and no
// trailing dot, and whether it is a name or an IP address (IPv6 given
// without brackets, IPv4 in dotted decimal). The error is an *Error.
// lookup is golang.org/x/net/idna's Lookup profile without its hyphen rule,
// as the WHATWG URL Standard's "domain to ASCII" runs UTS #46
// (CheckHyphens=false): registered names such as
// "r3---sn-abc.googlevideo.com" carry "--" in their third and fourth places,
// and browsers reach them, so an app on one must not become unassessable.
// A label that starts or ends with a hyphen is still refused
// (checkHyphenEnds), as RFC 1123 host names do not allow it.
var lookup = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.CheckHyphens(false))

// unicodeUpdates applies the UTS #46 mappings that changed between the
// Unicode version of golang.org/x/net/idna's tables (idna.UnicodeVersion,
// 15.0.0 with Go 1.26) and Unicode 17.0.0, which browsers follow, for the
// characters both versions accept. Comparing the two tables of x/net v0.62.0
// (tables15.0.0.go and tables17.0.0.go, the latter built for Go 1.27) over
// every code point finds one: U+1E9E LATIN CAPITAL LETTER SHARP S maps to
// "ss" in 15.0 and to U+00DF ß in 15.1 and later, so "ẞ.com" is
// "xn--zca.com", not "ss.com". Every other difference is a character the
// 15.0 tables refuse (new in Unicode 15.1 to 17.0, or changed from refused to
// mapped): the host is then refused, never read as another.
var unicodeUpdates = strings.NewReplacer("\u1e9e", "\u00df")

func normalizeHost(host string) (string, hostKind, error) {
	if isFastHost(host) {
		return host, kindName, nil
	}
	if host == "" {
		return "", 0, hostError(host, reasonEmpty, nil)
	}
	if len(host) > maxRawHost {
		return "", 0, hostError(host, reasonNameTooLong, nil)
	}
	// IPv6, bracketed or not: no name has a colon.
	if host[0] == '[' || strings.IndexByte(host, ':') >= 0 {
		lit := host
		if host[0] == '[' {
			if len(host) < 2 || host[len(host)-1] != ']' {
				return "", 0, hostError(host, reasonInvalidHost, errors.New("unclosed IPv6 literal"))
			}
			lit = host[1 : len(host)-1]
		}
		addr, err := netip.ParseAddr(lit)
		if err != nil || !addr.Is6() {
			return "", 0, hostError(host, reasonInvalidHost, errors.New("not a valid IPv6 literal"))
		}
		return addr.String(), kindIPv6, nil
	}
	h := host
	stripped := false
	if h[len(h)-1] == '.' {
		h = h[:len(h)-1]
		stripped = true
	}
	if err := checkEmptyLabels(host, h); err != nil {
		return "", 0, err
	}
	if !isFastHost(h) {
		if !utf8.ValidString(h) {
			// IDNA would map the bad bytes to U+FFFD and encode that.
			return "", 0, hostError(host, reasonInvalidHost, errors.New("invalid UTF-8"))
		}
		a, err := lookup.ToASCII(unicodeUpdates.Replace(h))
		if err != nil {
			return "", 0, idnaError(host, h, err)
		}
		if err := checkHyphenEnds(host, a); err != nil {
			return "", 0, err
		}
		// Mapping can make dots (U+3002 IDEOGRAPHIC FULL STOP is one): a
		// trailing one made from the last character is a trailing dot. Any
		// other is an empty label: an "xn--" label decodes to nothing, so
		// "example.com.xn--" comes back as "example.com.", which is not
		// example.com.
		if !stripped && strings.HasSuffix(a, ".") && endsInMappedDot(h) {
			a = a[:len(a)-1]
		}
		if err := checkEmptyLabels(host, a); err != nil {
			return "", 0, err
		}
		h = a
	}
	if err := checkLengths(host, h); err != nil {
		return "", 0, err
	}
	if endsInNumber(h) {
		v4, ok := parseIPv4(h)
		if !ok {
			return "", 0, hostError(host, reasonInvalidHost, errors.New("ends in a number but is not a valid IPv4 address"))
		}
		return v4, kindIPv4, nil
	}
	return h, kindName, nil
}

// endsInMappedDot reports whether h ends in a character that IDNA mapping
// turns into a label separator: U+3002 IDEOGRAPHIC FULL STOP, U+FF0E
// FULLWIDTH FULL STOP or U+FF61 HALFWIDTH IDEOGRAPHIC FULL STOP (UTS #46).
func endsInMappedDot(h string) bool {
	r, _ := utf8.DecodeLastRuneInString(h)
	return r == '\u3002' || r == '\uff0e' || r == '\uff61'
}

// checkHyphenEnds refuses a label that starts or ends with a hyphen.
func checkHyphenEnds(orig, h string) error {
	for label := range strings.SplitSeq(h, ".") {
		if strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return hostError(orig, reasonInvalidHost, fmt.Errorf("label %q starts or ends with a hyphen", label))
		}
	}
	return nil
}

func checkEmptyLabels(orig, h string) error {
	if h == "" || h[0] == '.' || h[len(h)-1] == '.' || strings.Contains(h, "..") {
		return hostError(orig, reasonEmptyLabel, nil)
	}
	return nil
}

func checkLengths(orig, h string) error {
	start := 0
	for i := 0; i <= len(h); i++ {
		if i == len(h) || h[i] == '.' {
			if i-start > maxLabel {
				return hostError(orig, reasonLabelTooLong, nil)
			}
			start = i + 1
		}
	}
	if len(h) > maxName {
		return hostError(orig, reasonNameTooLong, nil)
	}
	return nil
}

// goUnicodeVersion is the Unicode version of golang.org/x/net/idna's tables.
const goUnicodeVersion = idna.UnicodeVersion

// idnaError classifies an IDNA failure: a character Go's Unicode tables do
// not assign (browsers, on a newer Unicode, may accept it), a bad "xn--"
// label (invalid punycode), anything else an invalid host.
func idnaError(orig, h string, err error) error {
	for _, r := range h {
		if r >= utf8.RuneSelf && !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs) {
			return hostError(orig, reasonUnicodeVersion, err)
		}
	}
	for _, label := range strings.Split(h, ".") {
		if len(label) >= 4 && strings.EqualFold(label[:4], "xn--") {
			if _, lerr := lookup.ToASCII(label); lerr != nil {
				return hostError(orig, reasonInvalidPunycode, err)
			}
		}
	}
	return hostError(orig, reasonInvalidHost, err)
}
