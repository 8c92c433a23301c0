package etld

import (
	"errors"
	"testing"
)

// pslVectors are the checkPublicSuffix vectors of the Public Suffix List
// project (publicsuffix/list tests/tests.txt, public domain), one row each,
// in the file's order and groups. checkPublicSuffix(x, null) is an error here.
//
// The file gives IDN results in Unicode; ETLDPlusOne returns A-labels, so
// want holds the A-label form and display the Unicode form, which
// DisplayDomain must give for both groups (the labels are Han, safe to show).
//
// Every row agrees with the list compiled into golang.org/x/net v0.62.0, so
// none is skipped; the skip field is there for a row a future list breaks.
//
// The older copy of the vectors (tests/test_psl.txt) expects "kobe.jp" for
// "city.kobe.jp"; that predates the fix of the vector for the exception rule
// !city.kobe.jp, and tests.txt expects "city.kobe.jp", as this list does.
var pslVectors = []struct {
	in      string
	want    string // "" means null: an error
	display string // the vector's own (Unicode) form, when it differs from want
	skip    string // why the row is skipped against x/net's compiled list
}{
	// null input.
	{in: "", want: ""},
	// Mixed case.
	{in: "COM", want: ""},
	{in: "example.COM", want: "example.com"},
	{in: "WwW.example.COM", want: "example.com"},
	// Leading dot.
	{in: ".com", want: ""},
	{in: ".example", want: ""},
	{in: ".example.com", want: ""},
	{in: ".example.example", want: ""},
	// Unlisted TLD.
	{in: "example", want: ""},
	{in: "example.example", want: "example.example"},
	{in: "b.example.example", want: "example.example"},
	{in: "a.b.example.example", want: "example.example"},
	// Listed, but non-Internet, TLD: commented out in the file.
	// TLD with only 1 rule.
	{in: "biz", want: ""},
	{in: "domain.biz", want: "domain.biz"},
	{in: "b.domain.biz", want: "domain.biz"},
	{in: "a.b.domain.biz", want: "domain.biz"},
	// TLD with some 2-level rules.
	{in: "com", want: ""},
	{in: "example.com", want: "example.com"},
	{in: "b.example.com", want: "example.com"},
	{in: "a.b.example.com", want: "example.com"},
	{in: "uk.com", want: ""},
	{in: "example.uk.com", want: "example.uk.com"},
	{in: "b.example.uk.com", want: "example.uk.com"},
	{in: "a.b.example.uk.com", want: "example.uk.com"},
	{in: "test.ac", want: "test.ac"},
	// TLD with only 1 (wildcard) rule.
	{in: "mm", want: ""},
	{in: "c.mm", want: ""},
	{in: "b.c.mm", want: "b.c.mm"},
	{in: "a.b.c.mm", want: "b.c.mm"},
	// More complex TLD.
	{in: "jp", want: ""},
	{in: "test.jp", want: "test.jp"},
	{in: "www.test.jp", want: "test.jp"},
	{in: "ac.jp", want: ""},
	{in: "test.ac.jp", want: "test.ac.jp"},
	{in: "www.test.ac.jp", want: "test.ac.jp"},
	{in: "kyoto.jp", want: ""},
	{in: "test.kyoto.jp", want: "test.kyoto.jp"},
	{in: "ide.kyoto.jp", want: ""},
	{in: "b.ide.kyoto.jp", want: "b.ide.kyoto.jp"},
	{in: "a.b.ide.kyoto.jp", want: "b.ide.kyoto.jp"},
	{in: "c.kobe.jp", want: ""},
	{in: "b.c.kobe.jp", want: "b.c.kobe.jp"},
	{in: "a.b.c.kobe.jp", want: "b.c.kobe.jp"},
	{in: "city.kobe.jp", want: "city.kobe.jp"},
	{in: "www.city.kobe.jp", want: "city.kobe.jp"},
	// TLD with a wildcard rule and exceptions.
	{in: "ck", want: ""},
	{in: "test.ck", want: ""},
	{in: "b.test.ck", want: "b.test.ck"},
	{in: "a.b.test.ck", want: "b.test.ck"},
	{in: "www.ck", want: "www.ck"},
	{in: "www.www.ck", want: "www.ck"},
	// US K12.
	{in: "us", want: ""},
	{in: "test.us", want: "test.us"},
	{in: "www.test.us", want: "test.us"},
	{in: "ak.us", want: ""},
	{in: "test.ak.us", want: "test.ak.us"},
	{in: "www.test.ak.us", want: "test.ak.us"},
	{in: "k12.ak.us", want: ""},
	{in: "test.k12.ak.us", want: "test.k12.ak.us"},
	{in: "www.test.k12.ak.us", want: "test.k12.ak.us"},
	// IDN labels.
	{in: "食狮.com.cn", want: "xn--85x722f.com.cn", display: "食狮.com.cn"},
	{in: "食狮.公司.cn", want: "xn--85x722f.xn--55qx5d.cn", display: "食狮.公司.cn"},
	{in: "www.食狮.公司.cn", want: "xn--85x722f.xn--55qx5d.cn", display: "食狮.公司.cn"},
	{in: "shishi.公司.cn", want: "shishi.xn--55qx5d.cn", display: "shishi.公司.cn"},
	{in: "公司.cn", want: ""},
	{in: "食狮.中国", want: "xn--85x722f.xn--fiqs8s", display: "食狮.中国"},
	{in: "www.食狮.中国", want: "xn--85x722f.xn--fiqs8s", display: "食狮.中国"},
	{in: "shishi.中国", want: "shishi.xn--fiqs8s", display: "shishi.中国"},
	{in: "中国", want: ""},
	// Same as above, but punycoded.
	{in: "xn--85x722f.com.cn", want: "xn--85x722f.com.cn", display: "食狮.com.cn"},
	{in: "xn--85x722f.xn--55qx5d.cn", want: "xn--85x722f.xn--55qx5d.cn", display: "食狮.公司.cn"},
	{in: "www.xn--85x722f.xn--55qx5d.cn", want: "xn--85x722f.xn--55qx5d.cn", display: "食狮.公司.cn"},
	{in: "shishi.xn--55qx5d.cn", want: "shishi.xn--55qx5d.cn", display: "shishi.公司.cn"},
	{in: "xn--55qx5d.cn", want: ""},
	{in: "xn--85x722f.xn--fiqs8s", want: "xn--85x722f.xn--fiqs8s", display: "食狮.中国"},
	{in: "www.xn--85x722f.xn--fiqs8s", want: "xn--85x722f.xn--fiqs8s", display: "食狮.中国"},
	{in: "shishi.xn--fiqs8s", want: "shishi.xn--fiqs8s", display: "shishi.中国"},
	{in: "xn--fiqs8s", want: ""},
}

func TestPSLVectors(t *testing.T) {
	for _, tc := range pslVectors {
		if tc.skip != "" {
			t.Logf("skip %q: %s", tc.in, tc.skip)
			continue
		}
		got, err := ETLDPlusOne(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ETLDPlusOne(%q) = %q, want an error (checkPublicSuffix: null)", tc.in, got)
			} else if got != "" {
				t.Errorf("ETLDPlusOne(%q) = %q with error %v, want \"\" with the error", tc.in, got, err)
			} else if he := (*Error)(nil); !errors.As(err, &he) {
				t.Errorf("ETLDPlusOne(%q): error %T, want *Error", tc.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ETLDPlusOne(%q): %v, want %q", tc.in, err, tc.want)
			continue
		}
		if got != tc.want {
			t.Errorf("ETLDPlusOne(%q): got %q, want %q", tc.in, got, tc.want)
		}
		display := tc.display
		if display == "" {
			display = tc.want
		}
		if d := DisplayDomain(got); d != display {
			t.Errorf("DisplayDomain(%q): got %q, want %q", got, d, display)
		}
	}
}
