package etld

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		uri  string
		want Site
	}{
		// Assessable: https on port 443 at a public name.
		{"https://app.example.com/oauth2/callback", Site{Scheme: "https", Host: "app.example.com", Port: 443,
			PublicSuffix: "com", ETLDPlusOne: "example.com", ICANN: true, DisplayDomain: "example.com"}},
		{"https://example.com", Site{Scheme: "https", Host: "example.com", Port: 443,
			PublicSuffix: "com", ETLDPlusOne: "example.com", ICANN: true, DisplayDomain: "example.com"}},
		{"https://app.example.com:443/cb?x=1&y=2", Site{Scheme: "https", Host: "app.example.com", Port: 443,
			PublicSuffix: "com", ETLDPlusOne: "example.com", ICANN: true, DisplayDomain: "example.com"}},
		{"https://app.example.com:0443/cb", Site{Scheme: "https", Host: "app.example.com", Port: 443,
			PublicSuffix: "com", ETLDPlusOne: "example.com", ICANN: true, DisplayDomain: "example.com"}},
		{"https://app.example.com:/cb", Site{Scheme: "https", Host: "app.example.com", Port: 443, // an empty port is the default
			PublicSuffix: "com", ETLDPlusOne: "example.com", ICANN: true, DisplayDomain: "example.com"}},
		{"HTTPS://App.Example.COM./cb", Site{Scheme: "https", Host: "app.example.com", Port: 443,
			PublicSuffix: "com", ETLDPlusOne: "example.com", ICANN: true, DisplayDomain: "example.com"}},
		{"https://www.health.example.co.uk/cb", Site{Scheme: "https", Host: "www.health.example.co.uk", Port: 443,
			PublicSuffix: "co.uk", ETLDPlusOne: "example.co.uk", ICANN: true, DisplayDomain: "example.co.uk"}},
		// The private section: my-project.github.io is its own site.
		{"https://my-project.github.io/cb", Site{Scheme: "https", Host: "my-project.github.io", Port: 443,
			PublicSuffix: "github.io", ETLDPlusOne: "my-project.github.io", ICANN: false, DisplayDomain: "my-project.github.io"}},
		// IDN: A-labels inside, Unicode shown when safe.
		{"https://ẞ.com/x", Site{Scheme: "https", Host: "xn--zca.com", Port: 443,
			PublicSuffix: "com", ETLDPlusOne: "xn--zca.com", ICANN: true, DisplayDomain: "ß.com"}},
		{"https://FAẞ.de/x", Site{Scheme: "https", Host: "xn--fa-hia.de", Port: 443,
			PublicSuffix: "de", ETLDPlusOne: "xn--fa-hia.de", ICANN: true, DisplayDomain: "faß.de"}},
		{"https://www.Bücher.de/cb", Site{Scheme: "https", Host: "www.xn--bcher-kva.de", Port: 443,
			PublicSuffix: "de", ETLDPlusOne: "xn--bcher-kva.de", ICANN: true, DisplayDomain: "bücher.de"}},
		{"https://xn--80ak6aa92e.com/", Site{Scheme: "https", Host: "xn--80ak6aa92e.com", Port: 443,
			PublicSuffix: "com", ETLDPlusOne: "xn--80ak6aa92e.com", ICANN: true, DisplayDomain: "xn--80ak6aa92e.com"}},
		{"https://аррӏе.com/", Site{Scheme: "https", Host: "xn--80ak6aa92e.com", Port: 443,
			PublicSuffix: "com", ETLDPlusOne: "xn--80ak6aa92e.com", ICANN: true, DisplayDomain: "xn--80ak6aa92e.com"}},

		// Development: plain http.
		{"http://app.example.com/cb", Site{Scheme: "http", Host: "app.example.com", Port: 80,
			PublicSuffix: "com", ETLDPlusOne: "example.com", ICANN: true, DisplayDomain: "example.com",
			Development: true, DevReason: DevPlainHTTP,
			DevelopmentReason: "the scheme is http: a redirect URI must use https"}},
		// Development: a port other than 443.
		{"https://app.example.com:8443/cb", Site{Scheme: "https", Host: "app.example.com", Port: 8443,
			PublicSuffix: "com", ETLDPlusOne: "example.com", ICANN: true, DisplayDomain: "example.com",
			Development: true, DevReason: DevPort,
			DevelopmentReason: "port 8443: only port 443 can be assessed"}},
		// Development: localhost and *.localhost.
		{"http://localhost:8080/cb", Site{Scheme: "http", Host: "localhost", Port: 8080,
			PublicSuffix: "localhost", DisplayDomain: "localhost",
			Development: true, DevReason: DevLocalhost,
			DevelopmentReason: `host "localhost" names the local machine (RFC 6761 §6.3); the scheme is http: a redirect URI must use https; port 8080: only port 443 can be assessed`}},
		{"https://LOCALHOST./cb", Site{Scheme: "https", Host: "localhost", Port: 443,
			PublicSuffix: "localhost", DisplayDomain: "localhost",
			Development: true, DevReason: DevLocalhost,
			DevelopmentReason: `host "localhost" names the local machine (RFC 6761 §6.3)`}},
		{"https://app.localhost/cb", Site{Scheme: "https", Host: "app.localhost", Port: 443,
			PublicSuffix: "localhost", ETLDPlusOne: "app.localhost", DisplayDomain: "app.localhost",
			Development: true, DevReason: DevLocalhost,
			DevelopmentReason: `host "app.localhost" names the local machine (RFC 6761 §6.3)`}},
		// Development: IP literals, v4 and v6, and what browsers read as IPv4.
		{"https://127.0.0.1/cb", Site{Scheme: "https", Host: "127.0.0.1", Port: 443, DisplayDomain: "127.0.0.1",
			Development: true, DevReason: DevIPLiteral,
			DevelopmentReason: `host "127.0.0.1" is an IP address, not a domain name`}},
		{"https://127.1/cb", Site{Scheme: "https", Host: "127.0.0.1", Port: 443, DisplayDomain: "127.0.0.1",
			Development: true, DevReason: DevIPLiteral,
			DevelopmentReason: `host "127.0.0.1" is an IP address, not a domain name`}},
		{"https://0x7f000001/cb", Site{Scheme: "https", Host: "127.0.0.1", Port: 443, DisplayDomain: "127.0.0.1",
			Development: true, DevReason: DevIPLiteral,
			DevelopmentReason: `host "127.0.0.1" is an IP address, not a domain name`}},
		{"http://[::1]:3000/cb", Site{Scheme: "http", Host: "::1", Port: 3000, DisplayDomain: "::1",
			Development: true, DevReason: DevIPLiteral,
			DevelopmentReason: `host "::1" is an IP address, not a domain name; the scheme is http: a redirect URI must use https; port 3000: only port 443 can be assessed`}},
		{"https://[2001:DB8:0:0::1]/cb", Site{Scheme: "https", Host: "2001:db8::1", Port: 443, DisplayDomain: "2001:db8::1",
			Development: true, DevReason: DevIPLiteral,
			DevelopmentReason: `host "2001:db8::1" is an IP address, not a domain name`}},
		// Development: reserved names (RFC 6761, 6762, 8375, ICANN).
		{"https://app.test/cb", Site{Scheme: "https", Host: "app.test", Port: 443,
			PublicSuffix: "test", ETLDPlusOne: "app.test", DisplayDomain: "app.test",
			Development: true, DevReason: DevReservedName,
			DevelopmentReason: `host "app.test" is in .test, reserved for testing (RFC 6761 §6.2)`}},
		{"https://www.app.example/cb", Site{Scheme: "https", Host: "www.app.example", Port: 443,
			PublicSuffix: "example", ETLDPlusOne: "app.example", DisplayDomain: "app.example",
			Development: true, DevReason: DevReservedName,
			DevelopmentReason: `host "www.app.example" is in .example, reserved for documentation (RFC 6761 §6.5)`}},
		{"https://x.invalid/cb", Site{Scheme: "https", Host: "x.invalid", Port: 443,
			PublicSuffix: "invalid", ETLDPlusOne: "x.invalid", DisplayDomain: "x.invalid",
			Development: true, DevReason: DevReservedName,
			DevelopmentReason: `host "x.invalid" is in .invalid, reserved as never valid (RFC 6761 §6.4)`}},
		{"https://printer.local/cb", Site{Scheme: "https", Host: "printer.local", Port: 443,
			PublicSuffix: "local", ETLDPlusOne: "printer.local", DisplayDomain: "printer.local",
			Development: true, DevReason: DevReservedName,
			DevelopmentReason: `host "printer.local" is in .local, used by multicast DNS on the local link (RFC 6762)`}},
		{"https://nas.home.arpa/cb", Site{Scheme: "https", Host: "nas.home.arpa", Port: 443,
			PublicSuffix: "home.arpa", ETLDPlusOne: "nas.home.arpa", ICANN: true, DisplayDomain: "nas.home.arpa",
			Development: true, DevReason: DevReservedName,
			DevelopmentReason: `host "nas.home.arpa" is in .home.arpa, reserved for home networks (RFC 8375)`}},
		{"https://home.arpa/cb", Site{Scheme: "https", Host: "home.arpa", Port: 443, // a public suffix, yet development
			PublicSuffix: "home.arpa", ICANN: true, DisplayDomain: "home.arpa",
			Development: true, DevReason: DevReservedName,
			DevelopmentReason: `host "home.arpa" is in .home.arpa, reserved for home networks (RFC 8375)`}},
		{"https://ehr.corp.internal/cb", Site{Scheme: "https", Host: "ehr.corp.internal", Port: 443,
			PublicSuffix: "internal", ETLDPlusOne: "corp.internal", DisplayDomain: "corp.internal",
			Development: true, DevReason: DevReservedName,
			DevelopmentReason: `host "ehr.corp.internal" is in .internal, reserved by ICANN for private use`}},
		{"https://test/cb", Site{Scheme: "https", Host: "test", Port: 443,
			PublicSuffix: "test", DisplayDomain: "test",
			Development: true, DevReason: DevReservedName,
			DevelopmentReason: `host "test" is in .test, reserved for testing (RFC 6761 §6.2)`}},
		// Development: single labels.
		{"https://intranet/cb", Site{Scheme: "https", Host: "intranet", Port: 443,
			PublicSuffix: "intranet", DisplayDomain: "intranet",
			Development: true, DevReason: DevSingleLabel,
			DevelopmentReason: `host "intranet" is a single label, not a domain on the public Internet`}},
		{"https://com/cb", Site{Scheme: "https", Host: "com", Port: 443,
			PublicSuffix: "com", ICANN: true, DisplayDomain: "com",
			Development: true, DevReason: DevSingleLabel,
			DevelopmentReason: `host "com" is a single label, not a domain on the public Internet`}},
	}
	for _, tc := range tests {
		got, err := Parse(tc.uri)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.uri, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Parse(%q):\n got %+v\nwant %+v", tc.uri, got, tc.want)
		}
	}
}

func TestParseICANNOnly(t *testing.T) {
	p := Parser{Mode: ICANNOnly}
	got, err := p.Parse("https://my-project.github.io/callback")
	want := Site{Scheme: "https", Host: "my-project.github.io", Port: 443,
		PublicSuffix: "io", ETLDPlusOne: "github.io", ICANN: true, DisplayDomain: "github.io"}
	if err != nil || got != want {
		t.Errorf("ICANNOnly Parse: got %+v, %v\nwant %+v", got, err, want)
	}
	// The host that is a public suffix in Full is a site in ICANNOnly.
	got, err = p.Parse("https://github.io/cb")
	if err != nil || got.ETLDPlusOne != "github.io" {
		t.Errorf("ICANNOnly Parse(https://github.io/cb): got %q, %v; want %q", got.ETLDPlusOne, err, "github.io")
	}
	if _, err := Parse("https://github.io/cb"); !errors.Is(err, ErrPublicSuffix) {
		t.Errorf("Parse(https://github.io/cb): got %v, want %v", err, ErrPublicSuffix)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		uri  string
		want error
	}{
		// Empty and too long.
		{"", ErrEmpty},
		{"https://example.com/" + strings.Repeat("a", MaxURILength), ErrTooLong},
		// Not absolute.
		{"example.com/cb", ErrNotAbsolute},
		{"/cb", ErrNotAbsolute},
		{"//example.com/cb", ErrNotAbsolute},
		{"localhost:8080/cb", ErrNotAbsolute},
		{"example.com:443", ErrNotAbsolute},
		{":foo", ErrNotAbsolute},
		{"1https://example.com/", ErrNotAbsolute},
		// No host.
		{"https:example.com", ErrNoHost},
		{"https:/example.com", ErrNoHost},
		{"https:///example.com", ErrNoHost},
		{"https://", ErrNoHost},
		{"https:///", ErrNoHost},
		{"https://:443/cb", ErrNoHost},
		{"https://?x=1", ErrNoHost},
		// Schemes other than http and https.
		{"ftp://example.com/", ErrScheme},
		{"javascript:alert(1)", ErrScheme},
		{"data:text/html,hi", ErrScheme},
		{"file:///etc/passwd", ErrScheme},
		{"wss://example.com/", ErrScheme},
		// Private-use schemes of native apps: RFC 8252 §7.2 advises claimed https.
		{"com.example.app:/oauth2redirect", ErrPrivateScheme},
		{"com.example.app://callback", ErrPrivateScheme},
		{"myapp://callback", ErrPrivateScheme},
		{"Com.Example.App:/cb", ErrPrivateScheme},
		// Userinfo: never read the host from before the @.
		{"https://good.com@evil.com/", ErrUserinfo},
		{"https://user:pass@example.com/", ErrUserinfo},
		{"https://@example.com/", ErrUserinfo},
		{"https://good.com:443@evil.com/", ErrUserinfo},
		// A fragment (RFC 6749 §3.1.2), even an empty one.
		{"https://example.com/cb#", ErrFragment},
		{"https://example.com/cb#frag", ErrFragment},
		{"https://evil.com#@good.com/", ErrFragment},
		// Backslashes, which browsers read as slashes.
		{`https://evil.com\@good.com/`, ErrBackslash},
		{`https:\\example.com\cb`, ErrBackslash},
		{`https://example.com/a\b`, ErrBackslash},
		// White space and control characters, anywhere.
		{" https://example.com/", ErrWhitespace},
		{"https://example.com/ ", ErrWhitespace},
		{"https://exa mple.com/", ErrWhitespace},
		{"https://example.com/\tcb", ErrWhitespace},
		{"https://example.com/\ncb", ErrWhitespace},
		{"https://example.com\r\n/cb", ErrWhitespace},
		{"https://example.com/\u00a0", ErrWhitespace},
		{"https://example.com/\u3000", ErrWhitespace},
		{"https://example.com/\x00", ErrControl},
		{"https://example.com/\x7f", ErrControl},
		{"https://example.com/\u0085", ErrWhitespace}, // NEL is white space
		{"https://example.com/\u0090", ErrControl},
		{"https://exam\u200bple.com/", ErrControl},    // zero-width space
		{"https://example.com/\u202e", ErrControl},    // right-to-left override
		{"https://example.com/\u2028", ErrWhitespace}, // line separator
		{"https://example.com/\ufeff", ErrControl},    // byte order mark
		{"https://example.com/\xff", ErrInvalidUTF8},
		{"https://exa\xc3mple.com/", ErrInvalidUTF8},
		// Invalid ports.
		{"https://example.com:0/", ErrPort},
		{"https://example.com:65536/", ErrPort},
		{"https://example.com:99999999999999999999/", ErrPort},
		{"https://example.com:-1/", ErrPort},
		{"https://example.com:+443/", ErrPort},
		{"https://example.com:44a/", ErrPort},
		{"https://example.com:443:443/", ErrPort},
		{"https://[::1]x/", ErrPort},
		// Percent-encoded hosts.
		{"https://example%2Ecom/", ErrPercentEncodedHost},
		{"https://good.com%40evil.com/", ErrPercentEncodedHost},
		{"https://%65xample.com/", ErrPercentEncodedHost},
		{"https://[fe80::1%25en0]/", ErrPercentEncodedHost},
		// Invalid punycode.
		{"https://xn--zz.com/", ErrInvalidPunycode},
		{"https://www.xn--a.example/", ErrInvalidPunycode},
		// Other bad hosts.
		{"https://.example.com/", ErrEmptyLabel},
		{"https://a..example.com/", ErrEmptyLabel},
		{"https://example.com../", ErrEmptyLabel},
		{"https://" + label64 + ".com/", ErrLabelTooLong},
		{"https://" + name254 + "/", ErrNameTooLong},
		{"https://a_b.example.com/", ErrInvalidHost},
		{"https://exa<mple.com/", ErrInvalidHost},
		{"https://exa^mple.com/", ErrInvalidHost},
		{"https://[::1/", ErrInvalidHost},
		{"https://[example.com]/", ErrInvalidHost},
		{"https://[127.0.0.1]/", ErrInvalidHost},
		{"https://1.2.3.999/", ErrInvalidHost},
		{"https://a\u200db.com/", ErrControl}, // ZWJ is refused before the host is read
		// A host that is itself a public suffix (not a development name).
		{"https://co.uk/cb", ErrPublicSuffix},
		{"https://github.io/cb", ErrPublicSuffix},
		// What net/url refuses.
		{"https://example.com/%zz", ErrSyntax},
	}
	for _, tc := range tests {
		got, err := Parse(tc.uri)
		if !errors.Is(err, tc.want) {
			t.Errorf("Parse(%q): got error %v, want %v", tc.uri, err, tc.want)
		}
		if got != (Site{}) {
			t.Errorf("Parse(%q): got %+v with an error, want the zero Site", tc.uri, got)
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.URI != tc.uri {
			t.Errorf("Parse(%q): error %#v, want a *ParseError for the URI", tc.uri, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "etld: ") {
			t.Errorf("Parse(%q): error %q lacks the package prefix", tc.uri, err)
		}
	}
}

func TestParseErrorUnwrapsHostError(t *testing.T) {
	_, err := Parse("https://xn--zz.com/cb")
	var he *HostError
	if !errors.As(err, &he) {
		t.Fatalf("Parse: error %v, want it to wrap a *HostError", err)
	}
	if he.Host != "xn--zz.com" || he.Reason != ReasonInvalidPunycode {
		t.Errorf("HostError: got host %q reason %v, want %q %v", he.Host, he.Reason, "xn--zz.com", ReasonInvalidPunycode)
	}
	want := `etld: redirect URI "https://xn--zz.com/cb": host "xn--zz.com" has an xn-- label that is not valid punycode: idna: invalid label "zz"`
	if err.Error() != want {
		t.Errorf("Error(): got %q, want %q", err.Error(), want)
	}
}

func TestErrorMessages(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("x", 200) + "#"
	tests := []struct {
		err  error
		want string
	}{
		{func() error { _, err := Parse("https://good.com@evil.com/"); return err }(),
			`etld: redirect URI "https://good.com@evil.com/" has userinfo (user@ before the host), which can make one host read as another`},
		{func() error { _, err := Parse("com.example.app:/cb"); return err }(),
			`etld: redirect URI "com.example.app:/cb" uses a private-use URI scheme; RFC 8252 §7.2 advises native apps to use a claimed https redirect URI instead`},
		{func() error { _, err := ETLDPlusOne("co.uk"); return err }(),
			`etld: host "co.uk" is itself a public suffix: it has no registrable domain`},
		{func() error { _, err := Parse(long); return err }(),
			`etld: redirect URI "https://example.com/` + strings.Repeat("x", 76) + `"…(221 bytes) has a fragment (#), which RFC 6749 §3.1.2 forbids in a redirect URI`},
	}
	for _, tc := range tests {
		if tc.err == nil || tc.err.Error() != tc.want {
			t.Errorf("error message: got %v, want %q", tc.err, tc.want)
		}
	}
}

func TestEnumsText(t *testing.T) {
	for r := ReasonNone; r <= ReasonSyntax; r++ {
		b, err := r.MarshalText()
		if err != nil {
			t.Errorf("Reason(%d).MarshalText: %v", int(r), err)
			continue
		}
		var back Reason
		if err := back.UnmarshalText(b); err != nil || back != r {
			t.Errorf("Reason %q round trip: got %v, %v", b, back, err)
		}
		if r != ReasonNone && r.Err() == nil {
			t.Errorf("Reason %v has no sentinel", r)
		}
	}
	if _, err := Reason(-1).MarshalText(); err == nil {
		t.Errorf("Reason(-1).MarshalText: no error")
	}
	for d := DevNone; d <= DevPort; d++ {
		b, err := d.MarshalText()
		var back DevReason
		if err != nil || back.UnmarshalText(b) != nil || back != d {
			t.Errorf("DevReason %v round trip: got %v, %v", d, back, err)
		}
	}
	for _, m := range []Mode{Full, ICANNOnly} {
		b, err := m.MarshalText()
		var back Mode
		if err != nil || back.UnmarshalText(b) != nil || back != m {
			t.Errorf("Mode %v round trip: got %v, %v", m, back, err)
		}
	}
	var m Mode
	if err := m.UnmarshalText([]byte("private")); err == nil {
		t.Errorf("Mode.UnmarshalText(private): no error")
	}
}
