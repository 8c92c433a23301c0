package tlsinspect

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
	"unicode/utf8"
)

// FuzzClassifyAndSubject feeds arbitrary DER to the certificate parser and
// then to Classify, ParseSubject and DetectCDN: none may panic, and every
// string they return must be displayable.
func FuzzClassifyAndSubject(f *testing.F) {
	for _, p := range []string{"2.23.140.1.1", "2.23.140.1.2.2", "1.3.6.1.4.1.4146.1.1"} {
		c := selfSigned(f, &x509.Certificate{
			Policies: oids(f, p),
			Subject: pkix.Name{Organization: []string{"Org\u202e"}, Country: []string{"US"},
				ExtraNames: atvs(oidJurisdictionCountry, "US")},
			DNSNames: []string{"a.example.com", "b.example.org"},
		})
		f.Add(c.Raw)
	}
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return
		}
		if typ := Classify(c); typ < Unknown || typ > EV {
			t.Fatalf("Classify = %d", int(typ))
		}
		s := ParseSubject(c.Subject)
		for _, v := range []string{s.Organization, s.Location.Country, s.Location.State, s.Location.Locality,
			s.Jurisdiction.Country, s.Jurisdiction.State, s.Jurisdiction.Locality} {
			checkDisplayable(t, v)
		}
		if s.HasLegalEntity() && (s.Organization == "" || s.Location.Country == "") {
			t.Fatal("HasLegalEntity without O and C")
		}
		if cdn, why := DetectCDN(c); cdn && why == "" {
			t.Fatal("CDN without a reason")
		}
	})
}

// FuzzSanitize checks Sanitize's invariants on arbitrary strings.
func FuzzSanitize(f *testing.F) {
	f.Add("Acme\u202e Inc.")
	f.Add("\x00\xff  .-")
	f.Fuzz(func(t *testing.T, s string) {
		got := Sanitize(s)
		checkDisplayable(t, got)
		if Sanitize(got) != got {
			t.Fatalf("Sanitize is not idempotent on %q: %q", got, Sanitize(got))
		}
	})
}

func checkDisplayable(t *testing.T, v string) {
	t.Helper()
	if !utf8.ValidString(v) {
		t.Fatalf("invalid UTF-8 %q", v)
	}
	if utf8.RuneCountInString(v) > MaxFieldLen {
		t.Fatalf("%d runes, over %d", utf8.RuneCountInString(v), MaxFieldLen)
	}
	for _, r := range v {
		if invisible(r) {
			t.Fatalf("%q keeps invisible %U", v, r)
		}
	}
	if len(v) > 0 && (v[0] == ' ' || v[len(v)-1] == ' ') {
		t.Fatalf("%q is not trimmed", v)
	}
}
