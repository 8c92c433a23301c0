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
			Development: DevPlainHTTP}},
		// Development: a port other than 443.
		{"https://app.example.com:8443/cb", Site{Scheme: "https", Host: "app.example.com", Port: 8443,
			PublicSuffix: "com", ETLDPlusOne: "example.com", ICANN: true, DisplayDomain: "example.com",
			Development: DevPort}},
		// Development: localhost and *.localhost.
		{"http://localhost:8080/cb", Site{Scheme: "http", Host: "localhost", Port: 8080,
			PublicSuffix: "localhost", DisplayDomain: "localhost",
			Development: DevLocalhost | DevPlainHTTP | DevPort}},
		{"https://LOCALHOST./cb", Site{Scheme: "https", Host: "localhost", Port: 443,
			PublicSuffix: "localhost", DisplayDomain: "localhost",
			Development: DevLocalhost}},
		{"https://app.localhost/cb", Site{Scheme: "https", Host: "app.localhost", Port: 443,
			PublicSuffix: "localhost", ETLDPlusOne: "app.localhost", DisplayDomain: "app.localhost",
			Development: DevLocalhost}},
		// Development: IP literals, v4 and v6, and what browsers read as IPv4.
		{"https://127.0.0.1/cb", Site{Scheme: "https", Host: "127.0.0.1", Port: 443, DisplayDomain: "127.0.0.1",
			Development: DevIPLiteral}},
		{"https://127.1/cb", Site{Scheme: "https", Host: "127.0.0.1", Port: 443, DisplayDomain: "127.0.0.1",
			Development: DevIPLiteral}},
		{"https://0x7f000001/cb", Site{Scheme: "https", Host: "127.0.0.1", Port: 443, DisplayDomain: "127.0.0.1",
			Development: DevIPLiteral}},
		{"http://[::1]:3000/cb", Site{Scheme: "http", Host: "::1", Port: 3000, DisplayDomain: "::1",
			Development: DevIPLiteral | DevPlainHTTP | DevPort}},
		{"https://[2001:DB8:0:0::1]/cb", Site{Scheme: "https", Host: "2001:db8::1", Port: 443, DisplayDomain: "2001:db8::1",
			Development: DevIPLiteral}},
		// Development: reserved names (RFC 6761, 6762, 8375, ICANN).
		{"https://app.test/cb", Site{Scheme: "https", Host: "app.test", Port: 443,
			PublicSuffix: "test", ETLDPlusOne: "app.test", DisplayDomain: "app.test",
			Development: DevReservedName}},
		{"https://www.app.example/cb", Site{Scheme: "https", Host: "www.app.example", Port: 443,
			PublicSuffix: "example", ETLDPlusOne: "app.example", DisplayDomain: "app.example",
			Development: DevReservedName}},
		{"https://x.invalid/cb", Site{Scheme: "https", Host: "x.invalid", Port: 443,
			PublicSuffix: "invalid", ETLDPlusOne: "x.invalid", DisplayDomain: "x.invalid",
			Development: DevReservedName}},
		{"https://printer.local/cb", Site{Scheme: "https", Host: "printer.local", Port: 443,
			PublicSuffix: "local", ETLDPlusOne: "printer.local", DisplayDomain: "printer.local",
			Development: DevReservedName}},
		{"https://nas.home.arpa/cb", Site{Scheme: "https", Host: "nas.home.arpa", Port: 443,
			PublicSuffix: "home.arpa", ETLDPlusOne: "nas.home.arpa", ICANN: true, DisplayDomain: "nas.home.arpa",
			Development: DevReservedName}},
		{"https://home.arpa/cb", Site{Scheme: "https", Host: "home.arpa", Port: 443, // a public suffix, yet development
			PublicSuffix: "home.arpa", ICANN: true, DisplayDomain: "home.arpa",
			Development: DevReservedName}},
		{"https://ehr.corp.internal/cb", Site{Scheme: "https", Host: "ehr.corp.internal", Port: 443,
			PublicSuffix: "internal", ETLDPlusOne: "corp.internal", DisplayDomain: "corp.internal",
			Development: DevReservedName}},
		{"https://test/cb", Site{Scheme: "https", Host: "test", Port: 443,
			PublicSuffix: "test", DisplayDomain: "test",
			Development: DevReservedName}},
		// Development: single labels.
		{"https://intranet/cb", Site{Scheme: "https", Host: "intranet", Port: 443,
			PublicSuffix: "intranet", DisplayDomain: "intranet",
			Development: DevSingleLabel}},
		{"https://com/cb", Site{Scheme: "https", Host: "com", Port: 443,
			PublicSuffix: "com", ICANN: true, DisplayDomain: "com",
			Development: DevSingleLabel}},
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
	if _, err := Parse("https://github.io/cb"); reasonOf(err) != "public-suffix" {
		t.Errorf("Parse(https://github.io/cb): got %v, want %v", err, "public-suffix")
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		uri  string
		want string
	}{
		// Empty and too long.
		{"", "empty"},
		{"https://example.com/" + strings.Repeat("a", maxURILength), "too-long"},
		// Not absolute.
		{"example.com/cb", "not-absolute"},
		{"/cb", "not-absolute"},
		{"//example.com/cb", "not-absolute"},
		{"localhost:8080/cb", "not-absolute"},
		{"example.com:443", "not-absolute"},
		{":foo", "not-absolute"},
		{"1https://example.com/", "not-absolute"},
		// No host.
		{"https:example.com", "no-host"},
		{"https:/example.com", "no-host"},
		{"https:///example.com", "no-host"},
		{"https://", "no-host"},
		{"https:///", "no-host"},
		{"https://:443/cb", "no-host"},
		{"https://?x=1", "no-host"},
		// Schemes other than http and https.
		{"ftp://example.com/", "scheme"},
		{"javascript:alert(1)", "scheme"},
		{"data:text/html,hi", "scheme"},
		{"file:///etc/passwd", "scheme"},
		{"wss://example.com/", "scheme"},
		// Private-use schemes of native apps: RFC 8252 §7.2 advises claimed https.
		{"com.example.app:/oauth2redirect", "private-scheme"},
		{"com.example.app://callback", "private-scheme"},
		{"myapp://callback", "private-scheme"},
		{"Com.Example.App:/cb", "private-scheme"},
		// Userinfo: never read the host from before the @.
		{"https://good.com@evil.com/", "userinfo"},
		{"https://user:pass@example.com/", "userinfo"},
		{"https://@example.com/", "userinfo"},
		{"https://good.com:443@evil.com/", "userinfo"},
		// A fragment (RFC 6749 §3.1.2), even an empty one.
		{"https://example.com/cb#", "fragment"},
		{"https://example.com/cb#frag", "fragment"},
		{"https://evil.com#@good.com/", "fragment"},
		// Backslashes, which browsers read as slashes.
		{`https://evil.com\@good.com/`, "backslash"},
		{`https:\\example.com\cb`, "backslash"},
		{`https://example.com/a\b`, "backslash"},
		// White space and control characters, anywhere.
		{" https://example.com/", "whitespace"},
		{"https://example.com/ ", "whitespace"},
		{"https://exa mple.com/", "whitespace"},
		{"https://example.com/\tcb", "whitespace"},
		{"https://example.com/\ncb", "whitespace"},
		{"https://example.com\r\n/cb", "whitespace"},
		{"https://example.com/\u00a0", "whitespace"},
		{"https://example.com/\u3000", "whitespace"},
		{"https://example.com/\x00", "control"},
		{"https://example.com/\x7f", "control"},
		{"https://example.com/\u0085", "whitespace"}, // NEL is white space
		{"https://example.com/\u0090", "control"},
		{"https://exam\u200bple.com/", "control"},    // zero-width space
		{"https://example.com/\u202e", "control"},    // right-to-left override
		{"https://example.com/\u2028", "whitespace"}, // line separator
		{"https://example.com/\ufeff", "control"},    // byte order mark
		{"https://example.com/\xff", "invalid-utf8"},
		{"https://exa\xc3mple.com/", "invalid-utf8"},
		// Invalid ports.
		{"https://example.com:0/", "port"},
		{"https://example.com:65536/", "port"},
		{"https://example.com:99999999999999999999/", "port"},
		{"https://example.com:-1/", "port"},
		{"https://example.com:+443/", "port"},
		{"https://example.com:44a/", "port"},
		{"https://example.com:443:443/", "port"},
		{"https://[::1]x/", "port"},
		// Percent-encoded hosts.
		{"https://example%2Ecom/", "percent-encoded-host"},
		{"https://good.com%40evil.com/", "percent-encoded-host"},
		{"https://%65xample.com/", "percent-encoded-host"},
		{"https://[fe80::1%25en0]/", "percent-encoded-host"},
		// Invalid punycode.
		{"https://xn--zz.com/", "invalid-punycode"},
		{"https://www.xn--a.example/", "invalid-punycode"},
		// Other bad hosts.
		{"https://.example.com/", "empty-label"},
		{"https://a..example.com/", "empty-label"},
		{"https://example.com../", "empty-label"},
		{"https://" + label64 + ".com/", "label-too-long"},
		{"https://" + name254 + "/", "name-too-long"},
		{"https://a_b.example.com/", "invalid-host"},
		{"https://exa<mple.com/", "invalid-host"},
		{"https://exa^mple.com/", "invalid-host"},
		{"https://[::1/", "invalid-host"},
		{"https://[example.com]/", "invalid-host"},
		{"https://[127.0.0.1]/", "invalid-host"},
		{"https://1.2.3.999/", "invalid-host"},
		{"https://a\u200db.com/", "control"}, // ZWJ is refused before the host is read
		// A host that is itself a public suffix (not a development name).
		{"https://co.uk/cb", "public-suffix"},
		{"https://github.io/cb", "public-suffix"},
		// What net/url refuses.
		{"https://example.com/%zz", "syntax"},
	}
	for _, tc := range tests {
		got, err := Parse(tc.uri)
		if reasonOf(err) != tc.want {
			t.Errorf("Parse(%q): got error %v, want %v", tc.uri, err, tc.want)
		}
		if got != (Site{}) {
			t.Errorf("Parse(%q): got %+v with an error, want the zero Site", tc.uri, got)
		}
		var pe *Error
		if !errors.As(err, &pe) || pe.URI != tc.uri {
			t.Errorf("Parse(%q): error %#v, want a *Error for the URI", tc.uri, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "etld: ") {
			t.Errorf("Parse(%q): error %q lacks the package prefix", tc.uri, err)
		}
	}
}

func TestErrorUnwrapsError(t *testing.T) {
	_, err := Parse("https://xn--zz.com/cb")
	var he *Error
	if !errors.As(err, &he) {
		t.Fatalf("Parse: error %v, want it to wrap a *Error", err)
	}
	if he.Host != "xn--zz.com" || he.Reason != "invalid-punycode" {
		t.Errorf("Error: got host %q reason %v, want %q %v", he.Host, he.Reason, "xn--zz.com", "invalid-punycode")
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

func TestDevelopmentString(t *testing.T) {
	tests := []struct {
		d    Development
		want string
	}{
		{0, ""},
		{DevPlainHTTP, "the scheme is http: a redirect URI must use https"},
		{DevLocalhost | DevPlainHTTP | DevPort, "the host names the local machine (RFC 6761 §6.3); the scheme is http: a redirect URI must use https; the port is not 443: only port 443 can be assessed"},
		{DevIPLiteral | DevReservedName | DevSingleLabel, "the host is an IP address, not a domain name; the host is under a name reserved for tests, documentation or private networks; the host is a single label, not a domain on the public Internet"},
	}
	for _, tc := range tests {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("Development(%d).String() = %q, want %q", tc.d, got, tc.want)
		}
	}
	if Full.String() != "full" || ICANNOnly.String() != "icann-only" || Mode(9).String() != "Mode(9)" {
		t.Errorf("Mode.String: %v %v %v", Full, ICANNOnly, Mode(9))
	}
}
