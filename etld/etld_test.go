package etld

import (
	"errors"
	"strings"
	"testing"
)

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
		wantErr error
	}{
		// Already normalized: the fast path.
		{host: "www.example.com", want: "example.com"},
		{host: "example.com", want: "example.com"},
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
		{host: "", wantErr: ErrEmpty},
		// Leading dot or empty label.
		{host: ".", wantErr: ErrEmptyLabel},
		{host: "..", wantErr: ErrEmptyLabel},
		{host: ".example.com", wantErr: ErrEmptyLabel},
		{host: "a..example.com", wantErr: ErrEmptyLabel},
		{host: "example.com..", wantErr: ErrEmptyLabel},
		{host: "a。。example.com", wantErr: ErrEmptyLabel},
		// Lengths, in A-label form.
		{host: label64 + ".com", wantErr: ErrLabelTooLong},
		{host: strings.Repeat("ü", 60) + ".com", wantErr: ErrLabelTooLong},
		{host: name254, wantErr: ErrNameTooLong},
		{host: strings.Repeat("a.", 600) + "com", wantErr: ErrNameTooLong},
		// IP literals, including what browsers read as IPv4.
		{host: "127.0.0.1", wantErr: ErrIPLiteral},
		{host: "192.168.0.1.", wantErr: ErrIPLiteral},
		{host: "::1", wantErr: ErrIPLiteral},
		{host: "[::1]", wantErr: ErrIPLiteral},
		{host: "[2001:db8::1]", wantErr: ErrIPLiteral},
		{host: "fe80::1%eth0", wantErr: ErrIPLiteral},
		{host: "127.1", wantErr: ErrIPLiteral},
		{host: "0x7f.0.0.1", wantErr: ErrIPLiteral},
		{host: "0177.0.0.1", wantErr: ErrIPLiteral},
		{host: "2130706433", wantErr: ErrIPLiteral},
		{host: "１２７.０.０.１", wantErr: ErrIPLiteral},
		// A host that is itself a public suffix.
		{host: "co.uk", wantErr: ErrPublicSuffix},
		{host: "github.io", wantErr: ErrPublicSuffix},
		{host: "CO.UK.", wantErr: ErrPublicSuffix},
		{host: "xn--55qx5d.cn", wantErr: ErrPublicSuffix},
		// A single label.
		{host: "com", wantErr: ErrSingleLabel},
		{host: "localhost", wantErr: ErrSingleLabel},
		{host: "intranet.", wantErr: ErrSingleLabel},
		// Not a host name (STD3 rules, hyphens, IDNA).
		{host: "a_b.example.com", wantErr: ErrInvalidHost},
		{host: "a b.example.com", wantErr: ErrInvalidHost},
		{host: "exa*mple.com", wantErr: ErrInvalidHost},
		{host: "example.com/", wantErr: ErrInvalidHost},
		{host: "-a.example.com", wantErr: ErrInvalidHost},
		{host: "a-.example.com", wantErr: ErrInvalidHost},
		{host: "ab--c.example.com", wantErr: ErrInvalidHost},
		{host: "r3---sn-abc.googlevideo.com", wantErr: ErrInvalidHost}, // the Lookup profile checks hyphens
		{host: "a\u200db.com", wantErr: ErrInvalidHost},                // ZWJ outside a joining context
		{host: "[::1", wantErr: ErrInvalidHost},
		{host: "[example.com]", wantErr: ErrInvalidHost},
		{host: "1::2::3", wantErr: ErrInvalidHost},
		{host: "1.2.3.999", wantErr: ErrInvalidHost},
		{host: "1.2.3.4.5", wantErr: ErrInvalidHost},
		{host: "foo.0x", wantErr: ErrInvalidHost}, // ends in a number ("0x" is hex zero), yet is no IPv4 address
		// Invalid punycode.
		{host: "xn--zz.com", wantErr: ErrInvalidPunycode},
		{host: "xn--a.com", wantErr: ErrInvalidPunycode},
		{host: "www.xn--abc.com", wantErr: ErrInvalidPunycode},
		{host: "xn--ab-.com", wantErr: ErrInvalidPunycode}, // decodes to ASCII only
		{host: "XN--ZZ.COM", wantErr: ErrInvalidPunycode},
	}
	for _, tc := range tests {
		got, err := ETLDPlusOne(tc.host)
		if tc.wantErr != nil {
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("ETLDPlusOne(%q): got %q, %v; want error %v", tc.host, got, err, tc.wantErr)
			}
			if got != "" {
				t.Errorf("ETLDPlusOne(%q): got %q with an error, want \"\"", tc.host, got)
			}
			var he *HostError
			if !errors.As(err, &he) || he.Host != tc.host {
				t.Errorf("ETLDPlusOne(%q): error %#v, want a *HostError for the host", tc.host, err)
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
