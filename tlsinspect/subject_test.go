package tlsinspect

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"github.com/consenttrust/appverify/internal/safetext"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Cerner Corporation", "Cerner Corporation"},
		{"  Acme   Inc.  ", "Acme Inc."},
		{"Tab\there\nnewline", "Tab here newline"},
		// Bidi controls: an override that would display "Evil" as "liveE".
		{"\u202eEvil\u202c Corp", "Evil Corp"},
		{"a\u2066b\u2069c\u200ed\u200fe\u061cf", "abcdef"},
		// Invisible characters.
		{"Pay\u200bPal", "PayPal"},
		{"\ufeffBOM", "BOM"},
		{"soft\u00adhyphen", "softhyphen"},
		{"var\ufe0fsel", "varsel"},
		{"hangul\u3164filler", "hangulfiller"},
		{"nul\x00bell\x07del\x7fc1\u0085", "nulbelldelc1"},
		{"private\ue000use", "privateuse"},
		{"bad\xffutf8", "badutf8"},
		{"line\u2028sep", "line sep"},
		// Unicode that is fine stays.
		{"Société Générale", "Société Générale"},
		{"株式会社", "株式会社"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := safetext.Sanitize(tt.in); got != tt.want {
			t.Errorf("safetext.Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := strings.Repeat("é", 500)
	if got := safetext.Sanitize(long); utf8.RuneCountInString(got) != safetext.MaxRunes {
		t.Errorf("safetext.Sanitize(500 runes) has %d runes, want %d", utf8.RuneCountInString(got), safetext.MaxRunes)
	}
	spaced := strings.Repeat("a ", 200)
	if got := safetext.Sanitize(spaced); utf8.RuneCountInString(got) > safetext.MaxRunes || strings.HasSuffix(got, " ") {
		t.Errorf("safetext.Sanitize(spaced) = %q (%d runes)", got, utf8.RuneCountInString(got))
	}
}

func TestParseSubject(t *testing.T) {
	tests := []struct {
		name  string
		names []pkix.AttributeTypeAndValue
		want  certSubject
		legal bool
	}{
		{
			name: "ov",
			names: atvs(oidCountry, "US", oidState, "MO", oidLocality, "Kansas City",
				oidOrganization, "Cerner Corporation"),
			want:  certSubject{Organization: "Cerner Corporation", Location: Location{"US", "MO", "Kansas City"}},
			legal: true,
		},
		{
			name: "ev with jurisdiction",
			names: atvs(oidJurisdictionCountry, "US", oidJurisdictionState, "Delaware",
				oidJurisdictionLocality, "Wilmington", oidCountry, "US", oidOrganization, "Example, Inc."),
			want: certSubject{Organization: "Example, Inc.", Location: Location{Country: "US"},
				Jurisdiction: Location{"US", "Delaware", "Wilmington"}},
			legal: true,
		},
		{
			name:  "placeholders are absent",
			names: atvs(oidOrganization, ".", oidCountry, "-", oidState, "   ", oidLocality, ". - ."),
			want:  certSubject{},
		},
		{
			name:  "first present value wins",
			names: atvs(oidOrganization, "-", oidOrganization, "Real Org", oidOrganization, "Other", oidCountry, "DE"),
			want:  certSubject{Organization: "Real Org", Location: Location{Country: "DE"}},
			legal: true,
		},
		{
			name:  "bidi in organization",
			names: atvs(oidOrganization, "\u202eMoc.evil\u202c", oidCountry, "US"),
			want:  certSubject{Organization: "Moc.evil", Location: Location{Country: "US"}},
			legal: true,
		},
		{
			name:  "only invisible is absent",
			names: atvs(oidOrganization, "\u200b\u200b", oidCountry, "US"),
			want:  certSubject{Location: Location{Country: "US"}},
		},
		{
			name:  "no country",
			names: atvs(oidOrganization, "Org"),
			want:  certSubject{Organization: "Org"},
		},
		{
			name:  "non-string value ignored",
			names: []pkix.AttributeTypeAndValue{{Type: oidOrganization, Value: 42}, {Type: oidCountry, Value: "US"}},
			want:  certSubject{Location: Location{Country: "US"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseSubject(pkix.Name{Names: tt.names})
			if got != tt.want {
				t.Errorf("parseSubject = %+v, want %+v", got, tt.want)
			}
			if got.HasLegalEntity() != tt.legal {
				t.Errorf("HasLegalEntity = %v, want %v", got.HasLegalEntity(), tt.legal)
			}
		})
	}
}

func TestParseSubjectFromCertificate(t *testing.T) {
	c := selfSigned(t, &x509.Certificate{Subject: pkix.Name{
		Organization: []string{"Cerner Corporation"}, Country: []string{"US"},
		Province: []string{"MO"}, Locality: []string{"Kansas City"}, CommonName: "app.example.com",
		ExtraNames: atvs(oidJurisdictionCountry, "US"),
	}})
	got := parseSubject(c.Subject)
	want := certSubject{Organization: "Cerner Corporation", Location: Location{"US", "MO", "Kansas City"}, Jurisdiction: Location{Country: "US"}}
	if got != want {
		t.Errorf("parseSubject = %+v, want %+v", got, want)
	}
	if s := got.Location.String(); s != "US, MO, Kansas City" {
		t.Errorf("Location.String() = %q", s)
	}
	// A hand-built name without Names.
	got = parseSubject(pkix.Name{Organization: []string{"-", "Org"}, Country: []string{"GB"}})
	if got.Organization != "Org" || got.Location.Country != "GB" {
		t.Errorf("parseSubject(hand-built) = %+v", got)
	}
}

func TestLocationString(t *testing.T) {
	for _, tt := range []struct {
		l    Location
		want string
	}{
		{Location{}, ""},
		{Location{Country: "US"}, "US"},
		{Location{Country: "US", Locality: "Kansas City"}, "US, Kansas City"},
	} {
		if got := tt.l.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.l, got, tt.want)
		}
	}
}

func atvs(kv ...any) []pkix.AttributeTypeAndValue {
	var out []pkix.AttributeTypeAndValue
	for i := 0; i < len(kv); i += 2 {
		out = append(out, pkix.AttributeTypeAndValue{Type: kv[i].(asn1.ObjectIdentifier), Value: kv[i+1]})
	}
	return out
}

func TestDetectCDN(t *testing.T) {
	many := make([]string, 0, 12)
	for _, d := range []string{"a.com", "b.org", "c.net", "d.io", "e.co.uk", "f.de", "g.fr", "h.com", "i.com", "j.com", "k.com"} {
		many = append(many, d, "www."+d)
	}
	sameSite := make([]string, 0, 30)
	for i := range 30 {
		sameSite = append(sameSite, strings.Repeat("x", i+1)+".example.com")
	}
	tests := []struct {
		name string
		cert *x509.Certificate
		want bool
	}{
		{"cloudflare", &x509.Certificate{Subject: pkix.Name{Organization: []string{"Cloudflare, Inc."}}}, true},
		{"akamai", &x509.Certificate{Subject: pkix.Name{Organization: []string{"Akamai Technologies, Inc."}}}, true},
		{"amazon", &x509.Certificate{Subject: pkix.Name{Organization: []string{"Amazon.com, Inc."}}}, true},
		{"bidi-disguised fastly", &x509.Certificate{Subject: pkix.Name{Organization: []string{"\u200bFastly, Inc."}}}, true},
		{"app", &x509.Certificate{Subject: pkix.Name{Organization: []string{"Cerner Corporation"}}}, false},
		{"many sites", &x509.Certificate{DNSNames: many}, true},
		{"many names one site", &x509.Certificate{DNSNames: sameSite}, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got, why := DetectCDN(tt.cert, ""); got != tt.want || (got && why == "") {
			t.Errorf("%s: DetectCDN = %v, %q, want %v", tt.name, got, why, tt.want)
		}
	}
}

func TestMaxValidity(t *testing.T) {
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		issued time.Time
		days   int
		ok     bool
	}{
		{d(2014, 1, 1), 0, false},
		{d(2016, 1, 1), 1185, true},
		{d(2019, 1, 1), 825, true},
		{d(2020, 8, 31), 825, true},
		{d(2020, 9, 1), 398, true},
		{d(2026, 3, 14), 398, true},
		{d(2026, 3, 15), 200, true},
		{d(2027, 3, 15), 100, true},
		{d(2030, 1, 1), 47, true},
	}
	for _, tt := range tests {
		days, ok := maxValidity(tt.issued)
		if days != tt.days || ok != tt.ok {
			t.Errorf("maxValidity(%v) = %d, %v, want %d, %v", tt.issued, days, ok, tt.days, tt.ok)
		}
	}
	nb := d(2025, 1, 1)
	if got := validityDays(nb, nb.Add(398*24*time.Hour-time.Second)); got != 398 {
		t.Errorf("validityDays(398d inclusive) = %d", got)
	}
	if got := validityDays(nb, nb.Add(398*24*time.Hour)); got != 399 {
		t.Errorf("validityDays(398d + 1s inclusive) = %d", got)
	}
	if got := validityDays(nb, nb.Add(-time.Hour)); got != 0 {
		t.Errorf("validityDays(negative) = %d", got)
	}
}
