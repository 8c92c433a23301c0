package label

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/tlsinspect"
)

// forbidden reports a rune Sanitize must never return.
func forbidden(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r) ||
		(0x202A <= r && r <= 0x202E) || (0x2066 <= r && r <= 0x2069) ||
		(0xFE00 <= r && r <= 0xFE0F) || (0xE0000 <= r && r <= 0xE01EF) ||
		r == 0x00AD || r == 0xFEFF || r == 0x200B || r == 0x3164 ||
		(r != ' ' && unicode.IsSpace(r))
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"Example Health, Inc.", "Ex\u202eample", "\u2066a\u2069", "a\x00b", "e\u0301\u0301\u0301\u0301\u0301\u0301",
		strings.Repeat("ab ", 100), "\xff\xfe", "<script>", "株式会社", " \u00a0\u2028 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Sanitize(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Sanitize(%q) = %q: invalid UTF-8", s, got)
		}
		if n := utf8.RuneCountInString(got); n > MaxRunes {
			t.Fatalf("Sanitize(%q) has %d runes", s, n)
		}
		for _, r := range got {
			if forbidden(r) {
				t.Fatalf("Sanitize(%q) = %q keeps %U", s, got, r)
			}
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("Sanitize(%q) = %q: spaces not collapsed", s, got)
		}
		if again := Sanitize(got); again != got && !strings.HasSuffix(got, "…") {
			t.Fatalf("not idempotent: %q → %q → %q", s, got, again)
		}
	})
}

func FuzzDecide(f *testing.F) {
	f.Add("https", "app.examplehealth.com", 443, "examplehealth.com", "examplehealth.com", "c1d2", "c1d2", "Example Health, Inc.", "US", "Example", uint8(0), uint8(3), true, true, uint8(0))
	f.Add("http", "localhost", 8080, "", "", "", "x", "", "", "", uint8(1), uint8(1), false, false, uint8(2))
	f.Add("https", "a.b", 443, "a.b", "\u202eb.a", "id", "id", "\u200b", "\x00", "\xff", uint8(2), uint8(4), true, false, uint8(9))
	f.Fuzz(func(t *testing.T, scheme, host string, port int, etld1, display, want, clientID, org, country, appName string,
		dnsStatus, certType uint8, trusted, validated bool, persona uint8) {
		ev := good()
		ev.Site.Scheme, ev.Site.Host, ev.Site.Port = scheme, host, port
		ev.Site.ETLDPlusOne, ev.Site.DisplayDomain = etld1, display
		ev.DNS = &dnsverify.Result{Status: dnsverify.Status(dnsStatus % 5), Name: etld1, Want: want, Found: []string{want, clientID}}
		if dnsStatus%7 == 6 {
			ev.DNS = nil
		}
		ev.ClientID = clientID
		ev.TLS.Organization = org
		ev.TLS.Location.Country = country
		ev.TLS.Type = tlsinspect.CertType(certType % 6)
		ev.TLS.Trusted = trusted
		ev.TLS.CDNReason = org
		ev.TLS.Findings = []tlsinspect.Finding{{Code: host, Message: org}}
		if certType%11 == 10 {
			ev.TLS = nil
			ev.TLSErr = errors.New(org)
		} else if certType%13 == 12 {
			ev.TLS.Version = tls.VersionTLS10
		}
		ev.AppName = appName
		ev.Validated = validated
		ev.Persona = Persona(persona % 4)

		d := DefaultPolicy().Decide(ev)
		unknown := false
		for _, l := range d.Display.Labels {
			if l == UnknownApp {
				unknown = true
			}
		}
		if unknown == d.Described {
			t.Fatalf("Unknown App %v but Described %v", unknown, d.Described)
		}
		if d.Described && d.Display.Organization == "" {
			t.Fatal("described without an organization")
		}
		if !d.Described && (d.Display.AppName != "" || d.Display.Organization != "" || d.Display.Location != "") {
			t.Fatalf("Unknown App shows more than the domain: %+v", d.Display)
		}
		if d.Findings == nil || d.Display.Labels == nil {
			t.Fatal("nil slice")
		}
		withholds := false
		for i, f := range d.Findings {
			withholds = withholds || f.Withholds
			if i > 0 && f.Severity > d.Findings[i-1].Severity {
				t.Fatal("findings not ordered")
			}
			if f.Severity < Info || f.Severity > Must || f.Code == "" {
				t.Fatalf("bad finding %+v", f)
			}
		}
		if withholds == d.Described {
			t.Fatalf("withholding finding %v but Described %v", withholds, d.Described)
		}
		if err := consistent(d, ev.Persona); err != "" {
			t.Fatal(err)
		}
		if validated != (d.Display.Labels[len(d.Display.Labels)-1] == Validated) && validated {
			t.Fatal("Validated label missing")
		}
		for _, s := range []string{d.Display.AppName, d.Display.Organization, d.Display.Location, d.Display.Domain} {
			if Sanitize(s) != s && !strings.Contains(s, ", ") {
				t.Fatalf("display string %q not sanitized", s)
			}
		}
	})
}

// benchCPU runs f b.N times and reports, besides wall-clock ns/op, the
// process's CPU ns/op (run with -cpu 1 for it to mean one core).
func benchCPU(b *testing.B, f func()) {
	b.ReportAllocs()
	start := cpuTime()
	n := 0
	for b.Loop() {
		f()
		n++
	}
	if c := cpuTime() - start; start > 0 && n > 0 {
		b.ReportMetric(float64(c)/float64(n), "cpu-ns/op")
	}
}

func BenchmarkDecide(b *testing.B) {
	p := DefaultPolicy()
	described := good()
	unknown := good()
	unknown.TLS.Type = tlsinspect.DV
	unknown.DNS.Status = dnsverify.StatusNotFound
	b.Run("described", func(b *testing.B) { benchCPU(b, func() { _ = p.Decide(described) }) })
	b.Run("unknown-dv-no-txt", func(b *testing.B) { benchCPU(b, func() { _ = p.Decide(unknown) }) })
	// Baseline: the one allocation a described Decision cannot avoid.
	b.Run("baseline-location", func(b *testing.B) { benchCPU(b, func() { _ = location(described.TLS.Location) }) })
}

func BenchmarkNameAligned(b *testing.B) {
	benchCPU(b, func() {
		_ = nameAligned("Example Health Companion", "Example Health, Inc.", "examplehealth", "examplehealth")
	})
}

func BenchmarkSanitize(b *testing.B) {
	for _, c := range []struct{ name, s string }{
		{"ascii", "Example Health, Inc."},
		{"hostile", "\u2067Example\u200b Health\u2069,\u00a0Inc.\u202e"},
	} {
		b.Run(c.name, func(b *testing.B) { benchCPU(b, func() { _ = Sanitize(c.s) }) })
	}
}
