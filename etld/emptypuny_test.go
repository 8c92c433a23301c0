package etld

import (
	"testing"
)

// An "xn--" label with nothing after the prefix decodes to the empty
// string: golang.org/x/net/idna then returns the name with a trailing dot,
// which must not be taken for a trailing dot the input had (or that mapping
// made from U+3002 and the like). "example.com.xn--" is not example.com:
// browsers refuse it, and it must not be shown as example.com.
func TestEmptyPunycodeLabelIsNotATrailingDot(t *testing.T) {
	for _, host := range []string{
		"example.com.xn--", "example.com.XN--", "foo.xn--", "a.b.xn--",
		"example.com.ｘｎ－－", // fullwidth: mapped to "xn--" before decoding
	} {
		if got, err := ETLDPlusOne(host); err == nil {
			t.Errorf("ETLDPlusOne(%q) = %q, want an error", host, got)
		} else if reasonOf(err) != "empty-label" {
			t.Errorf("ETLDPlusOne(%q): %v, want reason empty-label", host, err)
		}
		uri := "https://" + host + "/cb"
		if site, err := Parse(uri); err == nil {
			t.Errorf("Parse(%q) = host %q, eTLD+1 %q, display %q; want an error", uri, site.Host, site.ETLDPlusOne, site.DisplayDomain)
		}
	}
	// Dots that mapping makes from the last character are still one
	// trailing dot.
	for _, host := range []string{"example.com。", "example.com．", "example.com｡", "example.com."} {
		if got, err := ETLDPlusOne(host); err != nil || got != "example.com" {
			t.Errorf("ETLDPlusOne(%q) = %q, %v; want example.com", host, got, err)
		}
	}
}
