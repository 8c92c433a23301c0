package etld

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// idnaLookupToASCII is the oracle for host names: the IDNA Lookup profile
// without its hyphen rule, as browsers run it (WHATWG URL), built here
// from the options rather than taken from the package under test.
var idnaLookupToASCII = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.CheckHyphens(false)).ToASCII

var (
	label63 = strings.Repeat("a", 63)
	label64 = strings.Repeat("a", 64)
	// name253 is 253 bytes: three 63-byte labels, one 57-byte label and "com".
	name253 = label63 + "." + label63 + "." + label63 + "." + strings.Repeat("b", 57) + ".com"
	name254 = label63 + "." + label63 + "." + label63 + "." + strings.Repeat("b", 58) + ".com"
)

func TestETLDPlusOne(t *testing.T) {
	if len(name253) != 253 {
		t.Fatalf("len(name253) = %d", len(name253))
	}
	tests := []struct {
		host    string
		want    string
		wantErr string
	}{
		// Already normalized: the fast path.
		{host: "www.example.com", want: "example.com"},
		{host: "example.com", want: "example.com"},
		// Hyphens in the third and fourth places, as browsers allow them
		// (WHATWG URL: CheckHyphens=false).
		{host: "ab--c.example.com", want: "example.com"},
		{host: "r3---sn-abc.googlevideo.com", want: "googlevideo.com"},
		{host: "my--app.com", want: "my--app.com"},
		{host: "a.b.c.example.co.uk", want: "example.co.uk"},
		{host: "my-app.example.com", want: "example.com"},
		{host: "1password.com", want: "1password.com"},
		{host: "123.example.com", want: "example.com"},

		// Normalization: case, one trailing dot, Unicode to A-labels.
		{host: "WWW.Example.COM", want: "example.com"},
		{host: "www.example.com.", want: "example.com"},
		{host: "WWW.EXAMPLE.COM.", want: "example.com"},
		{host: "www.Bücher.de", want: "xn--bcher-kva.de"},
		{host: "www.xn--bcher-kva.de", want: "xn--bcher-kva.de"},
		{host: "XN--BCHER-KVA.DE", want: "xn--bcher-kva.de"},
		// UTS #46 since Unicode 15.1 maps U+1E9E ẞ to ß, and browsers
		// process nontransitionally: ß stays, as "xn--zca".
		{host: "ẞ.com", want: "xn--zca.com"},
		{host: "www.ẞ.com", want: "xn--zca.com"},
		{host: "FAẞ.de", want: "xn--fa-hia.de"},
		{host: "faß.de", want: "xn--fa-hia.de"},
		{host: "xn--fa-hia.de", want: "xn--fa-hia.de"},
		{host: "ẞ́.com", want: "xn--zca60i.com"}, // as x/net's Unicode 17 tables give
		{host: "пример.рф", want: "xn--e1afmkfd.xn--p1ai"},
		{host: "example。com", want: "example.com"},              // U+3002 IDEOGRAPHIC FULL STOP maps to "."
		{host: "example。com。", want: "example.com"},             // and one trailing one is dropped
		{host: "ｅｘａｍｐｌｅ.com", want: "example.com"},              // fullwidth letters map to ASCII
		{host: "ex\u00adample.com", want: "example.com"},        // a soft hyphen maps to nothing
		{host: "faß.de", want: "xn--fa-hia.de"},                 // non-transitional: ß is kept
		{host: label63 + ".com", want: label63 + ".com"},        // a label of 63 bytes
		{host: name253, want: strings.Repeat("b", 57) + ".com"}, // a name of 253 bytes
		{host: name253 + ".", want: strings.Repeat("b", 57) + ".com"},

		// The private section counts by default (browser "site").
		{host: "my-project.github.io", want: "my-project.github.io"},
		{host: "www.my-project.github.io", want: "my-project.github.io"},
		{host: "foo.uk.com", want: "foo.uk.com"},
		{host: "x.y.compute.amazonaws.com", want: "x.y.compute.amazonaws.com"},

		// Unlisted TLDs follow the default rule "*".
		{host: "a.b.unlisted", want: "b.unlisted"},

		// Empty input.
		{host: "", wantErr: "empty"},
		// Leading dot or empty label.
		{host: ".", wantErr: "empty-label"},
		{host: "..", wantErr: "empty-label"},
		{host: ".example.com", wantErr: "empty-label"},
		{host: "a..example.com", wantErr: "empty-label"},
		{host: "example.com..", wantErr: "empty-label"},
		{host: "a。。example.com", wantErr: "empty-label"},
		// Lengths, in A-label form.
		{host: label64 + ".com", wantErr: "label-too-long"},
		{host: strings.Repeat("ü", 60) + ".com", wantErr: "label-too-long"},
		{host: name254, wantErr: "name-too-long"},
		{host: strings.Repeat("a.", 600) + "com", wantErr: "name-too-long"},
		// IP literals, including what browsers read as IPv4.
		{host: "127.0.0.1", wantErr: "ip-literal"},
		{host: "192.168.0.1.", wantErr: "ip-literal"},
		{host: "::1", wantErr: "ip-literal"},
		{host: "[::1]", wantErr: "ip-literal"},
		{host: "[2001:db8::1]", wantErr: "ip-literal"},
		{host: "fe80::1%eth0", wantErr: "ip-literal"},
		{host: "127.1", wantErr: "ip-literal"},
		{host: "0x7f.0.0.1", wantErr: "ip-literal"},
		{host: "0177.0.0.1", wantErr: "ip-literal"},
		{host: "2130706433", wantErr: "ip-literal"},
		{host: "１２７.０.０.１", wantErr: "ip-literal"},
		// A host that is itself a public suffix.
		{host: "co.uk", wantErr: "public-suffix"},
		{host: "github.io", wantErr: "public-suffix"},
		{host: "CO.UK.", wantErr: "public-suffix"},
		{host: "xn--55qx5d.cn", wantErr: "public-suffix"},
		// A single label.
		{host: "com", wantErr: "single-label"},
		{host: "localhost", wantErr: "single-label"},
		{host: "intranet.", wantErr: "single-label"},
		// Not a host name (STD3 rules, hyphens, IDNA).
		{host: "a_b.example.com", wantErr: "invalid-host"},
		{host: "a b.example.com", wantErr: "invalid-host"},
		{host: "exa*mple.com", wantErr: "invalid-host"},
		{host: "example.com/", wantErr: "invalid-host"},
		{host: "-a.example.com", wantErr: "invalid-host"},
		{host: "a-.example.com", wantErr: "invalid-host"},
		{host: "a\u200db.com", wantErr: "invalid-host"}, // ZWJ outside a joining context
		{host: "[::1", wantErr: "invalid-host"},
		{host: "[example.com]", wantErr: "invalid-host"},
		{host: "1::2::3", wantErr: "invalid-host"},
		{host: "1.2.3.999", wantErr: "invalid-host"},
		{host: "1.2.3.4.5", wantErr: "invalid-host"},
		{host: "foo.0x", wantErr: "invalid-host"}, // ends in a number ("0x" is hex zero), yet is no IPv4 address
		// Invalid punycode.
		{host: "xn--zz.com", wantErr: "invalid-punycode"},
		{host: "xn--a.com", wantErr: "invalid-punycode"},
		{host: "www.xn--abc.com", wantErr: "invalid-punycode"},
		{host: "xn--ab-.com", wantErr: "invalid-punycode"}, // decodes to ASCII only
		{host: "XN--ZZ.COM", wantErr: "invalid-punycode"},
	}
	for _, tc := range tests {
		got, err := ETLDPlusOne(tc.host)
		if tc.wantErr != "" {
			if reasonOf(err) != tc.wantErr {
				t.Errorf("ETLDPlusOne(%q): got %q, %v; want error %v", tc.host, got, err, tc.wantErr)
			}
			if got != "" {
				t.Errorf("ETLDPlusOne(%q): got %q with an error, want \"\"", tc.host, got)
			}
			var he *Error
			if !errors.As(err, &he) || he.Host != tc.host {
				t.Errorf("ETLDPlusOne(%q): error %#v, want a *Error for the host", tc.host, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ETLDPlusOne(%q): %v, want %q", tc.host, err, tc.want)
			continue
		}
		if got != tc.want {
			t.Errorf("ETLDPlusOne(%q): got %q, want %q", tc.host, got, tc.want)
		}
	}
}

func TestICANNOnly(t *testing.T) {
	icann := Parser{Mode: ICANNOnly}
	tests := []struct {
		host    string
		want    string
		wantErr string
	}{
		// The published guidance's own example: the private section is ignored.
		{host: "my-project.github.io", want: "github.io"},
		{host: "www.my-project.github.io", want: "github.io"},
		{host: "github.io", want: "github.io"},
		{host: "foo.uk.com", want: "uk.com"},
		{host: "x.y.compute.amazonaws.com", want: "amazonaws.com"},
		// ICANN rules, wildcards and exceptions work as in Full.
		{host: "www.example.co.uk", want: "example.co.uk"},
		{host: "a.b.c.mm", want: "b.c.mm"},
		{host: "www.city.kobe.jp", want: "city.kobe.jp"},
		{host: "www.www.ck", want: "www.ck"},
		{host: "a.b.unlisted", want: "b.unlisted"},
		{host: "www.食狮.中国", want: "xn--85x722f.xn--fiqs8s"},
		// Still refused.
		{host: "io", wantErr: "single-label"},
		{host: "co.uk", wantErr: "public-suffix"},
		{host: "c.mm", wantErr: "public-suffix"},
		{host: "127.0.0.1", wantErr: "ip-literal"},
	}
	for _, tc := range tests {
		got, err := icann.ETLDPlusOne(tc.host)
		if tc.wantErr != "" {
			if reasonOf(err) != tc.wantErr || got != "" {
				t.Errorf("ICANNOnly ETLDPlusOne(%q): got %q, %v; want \"\", %v", tc.host, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ICANNOnly ETLDPlusOne(%q): got %q, %v; want %q", tc.host, got, err, tc.want)
		}
	}
}

// TestModesAgree checks that the ICANN-only eTLD+1 is always a label-aligned
// suffix of the full one: the private section only ever adds suffixes.
func TestModesAgree(t *testing.T) {
	hosts := []string{
		"www.example.com", "my-project.github.io", "a.b.blogspot.com", "foo.uk.com",
		"x.y.compute.amazonaws.com", "a.b.c.kobe.jp", "www.ck", "b.test.ck",
		"a.b.unlisted", "s3.amazonaws.com", "foo.herokuapp.com", "foo.netlify.app",
		"foo.pages.dev", "foo.vercel.app", "foo.azurewebsites.net", "foo.cloudfront.net",
	}
	for _, h := range hosts {
		full, err := ETLDPlusOne(h)
		if err != nil {
			continue
		}
		icann, err := Parser{Mode: ICANNOnly}.ETLDPlusOne(h)
		if err != nil {
			t.Errorf("ICANNOnly ETLDPlusOne(%q): %v, though Full gives %q", h, err, full)
			continue
		}
		if !isLabelSuffix(full, icann) {
			t.Errorf("ICANNOnly ETLDPlusOne(%q) = %q, not a suffix of Full's %q", h, icann, full)
		}
	}
}

func isLabelSuffix(name, suffix string) bool {
	return name == suffix || strings.HasSuffix(name, "."+suffix)
}

// TestFastPath checks that the fast path takes the hosts it should, and that
// the slow path (IDNA) gives the same answer for every host it takes.
func TestFastPath(t *testing.T) {
	tests := []struct {
		host string
		fast bool
	}{
		{"www.example.com", true},
		{"a.b", true},
		{"1password.com", true},
		{"my-app.example.com", true},
		{label63 + ".com", true},
		{name253, true},
		{"", false},
		{"com", false},              // a single label
		{"www.example.com.", false}, // trailing dot
		{"WWW.example.com", false},  // upper case
		{"xn--bcher-kva.de", false}, // an A-label must be checked
		{"ab--c.com", false},        // hyphens in places 3 and 4
		{"-a.com", false},           // leading hyphen
		{"a-.com", false},           // trailing hyphen
		{"a.com-", false},           // trailing hyphen, last label
		{"a..com", false},           // empty label
		{".a.com", false},           // leading dot
		{"127.0.0.1", false},        // numeric last label
		{"a.0x7f", false},           // last label starts with a digit
		{"a_b.com", false},          // underscore
		{label64 + ".com", false},   // long label
		{"a." + label64, false},     // long last label
		{name254, false},            // long name
		{"bücher.de", false},        // non-ASCII
	}
	for _, tc := range tests {
		if got := isFastHost(tc.host); got != tc.fast {
			t.Errorf("isFastHost(%q): got %v, want %v", tc.host, got, tc.fast)
		}
		if tc.fast {
			checkFastAgrees(t, tc.host)
		}
	}
}

// checkFastAgrees fails if the slow path normalizes a fast-path host to
// anything but itself.
func checkFastAgrees(t testing.TB, host string) {
	t.Helper()
	// The slow path proper: IDNA, bypassing isFastHost.
	a, err := idnaLookupToASCII(host)
	if err != nil || a != host {
		t.Errorf("fast-path host %q: IDNA Lookup gives %q, %v; want it unchanged", host, a, err)
	}
	if endsInNumber(host) {
		t.Errorf("fast-path host %q ends in a number", host)
	}
	if err := checkLengths(host, host); err != nil {
		t.Errorf("fast-path host %q: %v", host, err)
	}
}

func TestETLDPlusOneAllocs(t *testing.T) {
	// The fast path allocates no more than the bare library call: nothing.
	for _, h := range benchHosts {
		bare := testing.AllocsPerRun(100, func() { _, _ = publicsuffix.EffectiveTLDPlusOne(h) })
		ours := testing.AllocsPerRun(100, func() { _, _ = ETLDPlusOne(h) })
		if ours > bare {
			t.Errorf("ETLDPlusOne(%q): %v allocs, bare publicsuffix %v", h, ours, bare)
		}
	}
}

// TestIDNAUnicodeVersion: unicodeUpdates comes from comparing x/net's
// Unicode 15.0.0 IDNA tables with its 17.0.0 ones. Other tables need the
// comparison made again.
func TestIDNAUnicodeVersion(t *testing.T) {
	if goUnicodeVersion != "15.0.0" && goUnicodeVersion != "17.0.0" {
		t.Errorf("golang.org/x/net/idna has Unicode %s tables: compare them with UTS #46 17.0 and update unicodeUpdates", goUnicodeVersion)
	}
}

// TestUnicodeVersionRefused: a character Go's tables do not know (new in
// Unicode 16, which browsers accept) is refused, never read as another
// host.
func TestUnicodeVersionRefused(t *testing.T) {
	for _, host := range []string{
		"a\U00010D4Ab.com", // GARAY CAPITAL LETTER A, Unicode 16
		"\uA7CBx.com",      // LATIN CAPITAL LETTER RAMS HORN, Unicode 16
	} {
		if got, err := ETLDPlusOne(host); reasonOf(err) != reasonUnicodeVersion {
			t.Errorf("ETLDPlusOne(%q) = %q, %v; want reason %s", host, got, err, reasonUnicodeVersion)
		}
	}
}
