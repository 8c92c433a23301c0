package label

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/etld"
	"github.com/consenttrust/appverify/internal/code"
	"github.com/consenttrust/appverify/tlsinspect"
)

func TestMessagesSayWhatToFix(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Evidence)
		code   string
		want   string
	}{
		{"txt missing", func(e *Evidence) { e.DNS.Status = dnsverify.StatusNotFound },
			"dns.txt_missing", `add a TXT record at examplehealth.com: "cerner-client-id=c1d2"`},
		{"txt mismatch", func(e *Evidence) { e.DNS.Status = dnsverify.StatusMismatch; e.DNS.Found = []string{"old-id"} },
			"dns.txt_mismatch", `"old-id"`},
		{"dv", func(e *Evidence) { e.TLS.Type = tlsinspect.DV },
			"cert.dv", "get an OV or EV certificate (this one is DV)"},
		{"legacy", func(e *Evidence) { e.TLS.Version = 0x0302 },
			"tls.version_legacy", "negotiated TLS 1.1"},
		{"port", func(e *Evidence) { e.Site.Port = 8443 }, "uri.port", "port 8443"},
		{"tls error", func(e *Evidence) { e.TLS = nil; e.TLSErr = errors.New("egress: refused 10.0.0.1:443") },
			"tls.not_assessed", "egress: refused 10.0.0.1:443"},
		{"cdn", func(e *Evidence) { e.TLS.CDN = true; e.TLS.CDNReason = "issued to Cloudflare, Inc." },
			"cert.cdn", "Cloudflare"},
	}
	for _, tt := range tests {
		ev := good()
		tt.change(&ev)
		d := DefaultPolicy().Decide(ev)
		f, ok := find(d, tt.code)
		if !ok || !strings.Contains(f.Message, tt.want) {
			t.Errorf("%s: %s message %q, want it to contain %q", tt.name, tt.code, f.Message, tt.want)
		}
	}
}

func TestPersonaSeverities(t *testing.T) {
	ev := good()
	ev.Site.Scheme, ev.Site.Port = "http", 80 // R1, MUST
	ev.DNS.Status = dnsverify.StatusNotFound  // R6, SHOULD
	ev.TLS.Revocation = tlsinspect.RevocationUnknown
	ev.AppName = "Zebra Tracker" // R7 misaligned, SHOULD
	panicky := newRule(Meta{Name: "boom"}, func(Evidence) []Finding { panic("boom") })
	p := &Policy{Rules: append(DefaultRules(), panicky)}

	want := map[Persona]map[string]Severity{
		Patient:  {"uri.not_https": Must, "dns.txt_missing": Should, "name.misaligned": Should, "cert.revocation_unknown": Info, "rule.panic": Must},
		Provider: {"uri.not_https": Should, "dns.txt_missing": Info, "name.misaligned": Info, "cert.revocation_unknown": Info, "rule.panic": Must},
		System:   {"uri.not_https": Should, "dns.txt_missing": Info, "name.misaligned": Info, "cert.revocation_unknown": Info, "rule.panic": Must},
	}
	var withheld []bool
	for persona, codes := range want {
		ev.Persona = persona
		d := p.Decide(ev)
		withheld = append(withheld, d.Described)
		for code, sev := range codes {
			f, ok := find(d, code)
			if !ok {
				t.Errorf("%v: no %s", persona, code)
				continue
			}
			if f.Severity != sev {
				t.Errorf("%v: %s severity %v, want %v", persona, code, f.Severity, sev)
			}
		}
	}
	// The decision does not depend on the persona.
	for _, ev2 := range []Evidence{good(), func() Evidence { e := good(); e.TLS.Type = tlsinspect.DV; return e }()} {
		var got []bool
		for _, persona := range []Persona{Patient, Provider, System} {
			ev2.Persona = persona
			got = append(got, DefaultPolicy().Decide(ev2).Described)
		}
		if got[0] != got[1] || got[1] != got[2] {
			t.Errorf("Described depends on persona: %v", got)
		}
	}
	if slices.Contains(withheld, true) {
		t.Errorf("described with failing evidence: %v", withheld)
	}
}

func TestValidatedLabel(t *testing.T) {
	tests := []struct {
		name      string
		validated bool
		described bool
		want      []string
	}{
		{"described", false, true, []string{}},
		{"described, validated", true, true, []string{Validated}},
		{"unknown", false, false, []string{UnknownApp}},
		{"unknown, validated", true, false, []string{UnknownApp, Validated}},
	}
	for _, tt := range tests {
		ev := good()
		ev.Validated = tt.validated
		if !tt.described {
			ev.TLS.Type = tlsinspect.DV
		}
		d := DefaultPolicy().Decide(ev)
		if d.Described != tt.described || d.Display.Labels == nil || !slices.Equal(d.Display.Labels, tt.want) {
			t.Errorf("%s: Described %v, Labels %q; want %v, %q", tt.name, d.Described, d.Display.Labels, tt.described, tt.want)
		}
	}
}

func TestNameAligned(t *testing.T) {
	tests := []struct {
		app, org string
		domains  []string
		want     bool
	}{
		// With the domain label.
		{"Example Health", "", []string{"examplehealth"}, true},
		{"Example", "", []string{"example-health"}, true},
		{"ExampleHealth Companion", "", []string{"example"}, true},
		{"Acmecare", "", []string{"acme"}, true},
		{"MyChart", "", []string{"mychart"}, true},
		{"EHS Connect", "", []string{"ehs"}, true},
		{"Example Health Systems", "", []string{"ehs"}, true},
		{"Zebra Tracker", "", []string{"examplehealth"}, false},
		{"Health App", "", []string{"otherhealth"}, true}, // only generic words: compared as they are
		// With the organization.
		{"Example Health Companion", "Example Health, Inc.", nil, true},
		{"The Example App", "EXAMPLE LLC", nil, true},
		{"Cerner Companion", "Cerner Corporation", nil, true},
		{"Oracle Health", "Oracle America, Inc.", nil, true},
		{"IBM Watson", "International Business Machines Corporation", nil, true},
		{"Pulse", "Other Health Inc", []string{"otherhealth"}, false},
		{"Acme Health", "Other Health Inc", []string{"other"}, false}, // "health" alone does not align
		{"Exa", "Example Corp", nil, false},                           // a prefix needs four letters
		{"Examp", "Example Corp", nil, true},
		// Unicode: NFKC folds fullwidth letters.
		{"Ｅｘａｍｐｌｅ", "Example GmbH", nil, true},
		{"Müller Gesundheit", "Müller GmbH", nil, true},
		// Nothing to compare.
		{"", "Example", []string{"example"}, false},
		{"Inc.", "Inc.", nil, false}, // the organization has no meaningful word
		{"Example", "", []string{""}, false},
	}
	for _, tt := range tests {
		if got := nameAligned(tt.app, tt.org, tt.domains...); got != tt.want {
			t.Errorf("nameAligned(%q, %q, %q) = %v, want %v", tt.app, tt.org, tt.domains, got, tt.want)
		}
	}
}

func TestNameMisalignedDoesNotWithhold(t *testing.T) {
	ev := good()
	ev.AppName = "Zebra Tracker"
	d := DefaultPolicy().Decide(ev)
	f, ok := find(d, "name.misaligned")
	if !ok || f.Withholds || f.Severity != Should || f.Requirement != "R7" {
		t.Fatalf("name.misaligned = %+v, %v", f, ok)
	}
	if !d.Described || d.Display.AppName != "Zebra Tracker" {
		t.Errorf("misaligned name withheld the description: %+v", d)
	}
	// Aligned through the domain only (the organization differs).
	ev.AppName = "ExampleHealth Go"
	ev.TLS.Organization = "Holding Partners Ltd"
	if _, ok := find(DefaultPolicy().Decide(ev), "name.misaligned"); ok {
		t.Error("name aligned with the domain reported misaligned")
	}
	// A CDN's organization is not the app's: it cannot align the name.
	ev = good()
	ev.AppName = "Cloudflare Tracker"
	ev.TLS.Organization = "Cloudflare, Inc."
	ev.TLS.CDN = true
	if _, ok := find(DefaultPolicy().Decide(ev), "name.misaligned"); !ok {
		t.Error("name aligned with a CDN's organization")
	}
	ev = good()
	ev.AppName = " \u200b "
	if f, ok := find(DefaultPolicy().Decide(ev), "name.missing"); !ok || f.Severity != Info {
		t.Errorf("name.missing = %+v, %v", f, ok)
	}
}

func TestSanitize(t *testing.T) {
	long := strings.Repeat("a", 200)
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Example Health, Inc.", "Example Health, Inc."},
		{"empty", "", ""},
		{"script stays text", "<script>alert(1)</script>", "<script>alert(1)</script>"},
		{"bidi override", "Example\u202eHealth", "ExampleHealth"},
		{"bidi isolates", "\u2066Evil\u2069 Corp\u200f", "Evil Corp"},
		{"arabic letter mark", "A\u061cB", "AB"},
		{"zero width", "Exa\u200bmple\u200c\u200d\u2060", "Example"},
		{"soft hyphen", "Ex\u00adample", "Example"},
		{"bom", "\ufeffExample", "Example"},
		{"tag characters", "Example\U000E0041\U000E007F", "Example"},
		{"variation selectors", "Ex\ufe0fample\U000E0100", "Example"},
		{"hangul filler", "Ex\u3164ample", "Example"},
		{"controls", "Ex\x00am\x07ple\x1b[31m", "Example[31m"},
		{"del and C1", "Ex\x7fample\u0085Co", "Example Co"},
		{"newlines and tabs collapse", "Example\r\n\tHealth", "Example Health"},
		{"unicode spaces", "Example\u00a0\u2003Health\u3000", "Example Health"},
		{"line separator", "Example\u2028Health", "Example Health"},
		{"trim", "   Example   ", "Example"},
		{"invalid utf-8", "Ex\xffample\xc3", "Example"},
		{"private use", "Ex\ue000ample", "Example"},
		{"combining kept", "Mu\u0308ller", "Mu\u0308ller"},
		{"zalgo capped", "e" + strings.Repeat("\u0301", 20), "e\u0301\u0301\u0301\u0301"},
		{"leading mark dropped", "\u0301abc", "abc"},
		{"unicode kept", "株式会社 例", "株式会社 例"},
		{"exactly 128", long[:128], long[:128]},
		{"long cut", long, long[:127] + "…"},
		{"long with spaces", strings.Repeat("ab ", 100), strings.TrimSpace(strings.Repeat("ab ", 43))[:127] + "…"},
		{"127 and trailing invisible", long[:128] + "\u200b\u200b", long[:128]},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("%s: Sanitize(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestDisplaySanitized(t *testing.T) {
	ev := good()
	ev.AppName = "Example\u202e ppA  Health\x00"
	ev.TLS.Organization = "\u2067Example Health\u2069, Inc.\u200b"
	ev.TLS.Location = tlsinspect.Location{Country: "US", State: "", Locality: "Kansas\u00a0City\u202e"}
	d := DefaultPolicy().Decide(ev)
	if !d.Described {
		t.Fatalf("not described: %+v", d.Findings)
	}
	if d.Display.AppName != "Example ppA Health" || d.Display.Organization != "Example Health, Inc." || d.Display.Location != "US, Kansas City" {
		t.Errorf("Display = %#v", d.Display)
	}
}

func TestLocation(t *testing.T) {
	tests := []struct {
		loc  tlsinspect.Location
		want string
	}{
		{tlsinspect.Location{Country: "US", State: "MO", Locality: "Kansas City"}, "US, MO, Kansas City"},
		{tlsinspect.Location{Country: "US", State: "MO"}, "US, MO"},
		{tlsinspect.Location{Country: "US", Locality: "Kansas City"}, "US, Kansas City"},
		{tlsinspect.Location{State: "MO", Locality: "Kansas City"}, "MO, Kansas City"},
		{tlsinspect.Location{Country: "DE"}, "DE"},
		{tlsinspect.Location{State: "MO"}, "MO"},
		{tlsinspect.Location{Locality: "Berlin"}, "Berlin"},
		{tlsinspect.Location{Country: " ", State: "\u200b"}, ""},
		{tlsinspect.Location{}, ""},
	}
	for _, tt := range tests {
		if got := location(tt.loc); got != tt.want {
			t.Errorf("location(%+v) = %q, want %q", tt.loc, got, tt.want)
		}
		// Through Decide: an OV or EV subject must carry C, so without a
		// country nothing is described.
		ev := good()
		ev.TLS.Location = tt.loc
		d := DefaultPolicy().Decide(ev)
		if Sanitize(tt.loc.Country) == "" {
			if d.Described || d.Display.Location != "" || d.Display.Organization != "" {
				t.Errorf("no country in %+v, yet described: %#v", tt.loc, d.Display)
			}
			if _, ok := find(d, "cert.ov_missing_org"); !ok {
				t.Errorf("no country in %+v, and no cert.ov_missing_org finding: %+v", tt.loc, d.Findings)
			}
			continue
		}
		if !d.Described || d.Display.Location != tt.want {
			t.Errorf("Decide with %+v: described %v, location %q, want %q", tt.loc, d.Described, d.Display.Location, tt.want)
		}
	}
}

func TestDevelopmentTarget(t *testing.T) {
	ev := Evidence{
		Site: etld.Site{Scheme: "http", Host: "127.0.0.1", Port: 8080, Development: etld.DevIPLiteral | etld.DevPlainHTTP | etld.DevPort},
		TLS:  nil, DNS: nil, AppName: "Local Dev", Validated: true,
	}
	d := DefaultPolicy().Decide(ev)
	if d.Described || !slices.Equal(d.Display.Labels, []string{UnknownApp, Validated}) {
		t.Fatalf("dev target: %+v", d)
	}
	if d.Display.Domain != "127.0.0.1" {
		t.Errorf("Domain = %q, want the host", d.Display.Domain)
	}
	// What cannot be looked at is info; what the URI itself shows is not:
	// plain http on loopback does not meet R1 (a MUST) nor R8.
	for code, sev := range map[string]Severity{
		"site.development": Info, "uri.not_https": Must, "native.loopback_http": Should, "uri.port": Should,
		"tls.not_assessed": Info, "dns.not_assessed": Info,
	} {
		f, ok := find(d, code)
		if !ok || f.Severity != sev {
			t.Errorf("%s: %+v, %v; want severity %v", code, f, ok, sev)
		}
	}
	wantStatus := []Status{NotMet, NotMet, NotAssessable, NotAssessable, NotAssessable, NotAssessable, NotAssessable, NotMet}
	for i, r := range d.Requirements {
		if r.Status != wantStatus[i] {
			t.Errorf("%s: %v (%s), want %v", r.Requirement, r.Status, r.Detail, wantStatus[i])
		}
	}
	if d.Display.Notice.Key != NoticeDevelopment {
		t.Errorf("notice %+v, want %s", d.Display.Notice, NoticeDevelopment)
	}
	// Plain http on a public host is a MUST violation, and not a native
	// app's loopback redirect.
	ev = good()
	ev.Site.Scheme, ev.Site.Port = "http", 80
	d = DefaultPolicy().Decide(ev)
	if f, _ := find(d, "uri.not_https"); f.Severity != Must {
		t.Errorf("public http: severity %v, want must", f.Severity)
	}
	if r := d.Requirements[7]; r.Status != NotApplicable {
		t.Errorf("public http: R8 %v, want not_applicable", r.Status)
	}
}

func TestFindingsOrderedAndMerged(t *testing.T) {
	ev := good()
	ev.Site.Scheme, ev.Site.Port = "http", 80
	ev.TLS.Revocation = tlsinspect.RevocationUnknown
	ev.TLS.Type = tlsinspect.DV
	ev.TLS.Findings = []tlsinspect.Finding{
		{Code: code.KeyWeak, Message: "RSA 1024"},
		{Code: code.RevocationUnknown, Message: "from the report"},
		{Code: "tls.something_new", Message: "future code"},
		{Code: "", Message: "no code"},
	}
	d := DefaultPolicy().Decide(ev)
	if !slices.IsSortedFunc(d.Findings, func(a, b Finding) int { return int(b.Severity) - int(a.Severity) }) {
		t.Errorf("findings not most severe first: %+v", d.Findings)
	}
	if d.Findings[0].Code != "uri.not_https" {
		t.Errorf("first finding %q, want uri.not_https", d.Findings[0].Code)
	}
	seen := map[string]bool{}
	for _, f := range d.Findings {
		if seen[f.Code] {
			t.Errorf("code %s twice", f.Code)
		}
		seen[f.Code] = true
		if f.Code == "" {
			t.Error("empty code carried over")
		}
	}
	if f, _ := find(d, code.KeyWeak); f.Severity != Should || f.Withholds || f.Message != "RSA 1024" {
		t.Errorf("key_weak = %+v", f)
	}
	if f, _ := find(d, "tls.something_new"); f.Severity != Info || f.Withholds {
		t.Errorf("unknown code = %+v", f)
	}
	if f, _ := find(d, code.RevocationUnknown); strings.Contains(f.Message, "from the report") {
		t.Errorf("the rule's message should win the merge: %q", f.Message)
	}
	// Stable: two runs give the same order.
	if d2 := DefaultPolicy().Decide(ev); !slices.Equal(d.Findings, d2.Findings) {
		t.Error("order not deterministic")
	}
}

// Every code tlsinspect defines has a severity here.
func TestTLSCodesMapped(t *testing.T) {
	for _, c := range []string{
		code.HandshakeFailed, code.VersionLegacy, code.LegacyOnly,
		code.CipherWeak, code.Untrusted, code.HostnameMismatch,
		code.SelfSigned, code.Expired, code.NotYetValid,
		code.KeyWeak, code.SHA1Signature, code.ValidityTooLong,
		code.NoRevocationPointer, code.Revoked, code.RevocationUnknown,
		code.OVMissingOrg, code.CDN, code.NoCertificate,
	} {
		if _, ok := tlsCodes[c]; !ok {
			t.Errorf("tlsinspect code %s has no severity", c)
		}
	}
}

func TestPanickingRule(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
	}{
		{"panic in Check", newRule(Meta{Name: "boom"}, func(Evidence) []Finding { panic("boom") })},
		{"index out of range", newRule(Meta{Name: "index"}, func(ev Evidence) []Finding {
			return []Finding{{Code: ev.DNS.Found[len(ev.DNS.Found)]}}
		})},
		{"nil pointer", newRule(Meta{Name: "nilptr"}, func(ev Evidence) []Finding {
			ev.TLS = nil
			return []Finding{{Code: ev.TLS.Host}}
		})},
		{"nil rule", nil},
		{"nil func", newRule(Meta{}, nil)},
		{"panicking Meta", metaPanics{}},
	}
	for _, tt := range tests {
		p := &Policy{Rules: append(DefaultRules(), tt.rule)}
		d := p.Decide(good())
		f, ok := find(d, "rule.panic")
		if !ok || !f.Withholds || f.Severity != Must || d.Described {
			t.Errorf("%s: %+v (found %v), described %v", tt.name, f, ok, d.Described)
		}
		if !slices.Equal(d.Display.Labels, []string{UnknownApp}) || d.Display.Organization != "" {
			t.Errorf("%s: display %+v", tt.name, d.Display)
		}
	}
}

type metaPanics struct{}

func (metaPanics) Meta() Meta            { panic("meta") }
func (metaPanics) Check(Evidence) Result { panic("check") }

func TestCustomRules(t *testing.T) {
	// Extend: an embedder's own rule, withholding.
	noStaging := newRule(Meta{Name: "no_staging"}, func(ev Evidence) []Finding {
		if strings.HasPrefix(ev.Site.Host, "staging.") {
			return []Finding{{Code: "custom.staging", Severity: Should, Message: "use the production host", Withholds: true}}
		}
		return nil
	})
	p := &Policy{Rules: append(DefaultRules(), noStaging)}
	ev := good()
	if !p.Decide(ev).Described {
		t.Error("custom rule withheld a production host")
	}
	ev.Site.Host = "staging.examplehealth.com"
	if d := p.Decide(ev); d.Described {
		t.Error("custom rule did not withhold")
	} else if _, ok := find(d, "custom.staging"); !ok {
		t.Error("custom finding missing")
	}

	// Replace: drop R6, so a DV-free app without a TXT record is described.
	var noTXT []Rule
	for _, r := range DefaultRules() {
		if r.Meta().Requirement != "R6" {
			noTXT = append(noTXT, r)
		}
	}
	ev = good()
	ev.DNS = nil
	if d := (&Policy{Rules: noTXT}).Decide(ev); !d.Described {
		t.Errorf("without R6, missing DNS withheld: %+v", d.Findings)
	}
	if d := DefaultPolicy().Decide(ev); d.Described {
		t.Error("default policy described an app without DNS evidence")
	}

	// No rules at all: still nothing is described without an organization.
	ev = good()
	ev.TLS.Organization = ""
	d := (&Policy{Rules: []Rule{}}).Decide(ev)
	if d.Described {
		t.Error("described without an organization")
	}
	if f, ok := find(d, "label.no_organization"); !ok || !f.Withholds {
		t.Errorf("label.no_organization = %+v, %v", f, ok)
	}
	ev.TLS = nil
	if (&Policy{Rules: []Rule{}}).Decide(ev).Described {
		t.Error("described without TLS evidence")
	}
	if !(&Policy{Rules: []Rule{}}).Decide(good()).Described {
		t.Error("empty rule list with an organization not described")
	}
}

func TestNilAndZeroPolicy(t *testing.T) {
	var nilPolicy *Policy
	for _, p := range []*Policy{nilPolicy, {}, DefaultPolicy()} {
		if !p.Decide(good()).Described {
			t.Errorf("%#v: good not described", p)
		}
		ev := good()
		ev.TLS.Type = tlsinspect.DV
		if p.Decide(ev).Described {
			t.Errorf("%#v: DV described", p)
		}
	}
	// The zero Evidence does not panic and is an Unknown App.
	d := DefaultPolicy().Decide(Evidence{})
	if d.Described || d.Findings == nil || d.Display.Labels == nil {
		t.Errorf("zero evidence: %+v", d)
	}
}

func TestDefaultRulesMeta(t *testing.T) {
	rules := DefaultRules()
	names := map[string]bool{}
	reqs := map[string]bool{}
	for _, r := range rules {
		m := r.Meta()
		if m.Name == "" || m.Citation == "" || m.Source == "" {
			t.Errorf("incomplete metadata %+v", m)
		}
		if names[m.Name] {
			t.Errorf("duplicate rule name %s", m.Name)
		}
		names[m.Name] = true
		reqs[m.Requirement] = true
	}
	for _, req := range []string{"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"} {
		if !reqs[req] {
			t.Errorf("no rule for %s", req)
		}
	}
	rules[0] = nil
	if DefaultRules()[0] == nil {
		t.Error("DefaultRules shares its slice")
	}
	if d := DefaultPolicy().Decide(good()); d.Requirements[0].Level != Must || d.Requirements[1].Level != Should {
		t.Errorf("levels %v %v, want R1 MUST, R2 SHOULD", d.Requirements[0].Level, d.Requirements[1].Level)
	}
}

func TestEnums(t *testing.T) {
	for _, tt := range []struct {
		p    Persona
		text string
	}{{Patient, "patient"}, {Provider, "provider"}, {System, "system"}} {
		if tt.p.String() != tt.text {
			t.Errorf("%d.String() = %q", tt.p, tt.p.String())
		}
		b, err := tt.p.MarshalText()
		if err != nil || string(b) != tt.text {
			t.Errorf("MarshalText(%v) = %q, %v", tt.p, b, err)
		}
		var p Persona = 99
		if err := p.UnmarshalText([]byte(strings.ToUpper(tt.text))); err != nil || p != tt.p {
			t.Errorf("UnmarshalText(%q) = %v, %v", tt.text, p, err)
		}
		if p, err := ParsePersona(" " + tt.text + " "); err != nil || p != tt.p {
			t.Errorf("ParsePersona(%q) = %v, %v", tt.text, p, err)
		}
	}
	if _, err := ParsePersona("patients"); err == nil || !strings.HasPrefix(err.Error(), "label: ") {
		t.Errorf("ParsePersona(patients) err = %v", err)
	}
	if _, err := Persona(7).MarshalText(); err == nil {
		t.Error("MarshalText(7): no error")
	}
	if Persona(7).String() != "Persona(7)" || Severity(-1).String() != "Severity(-1)" {
		t.Error("out-of-range String")
	}
	for _, tt := range []struct {
		s    Severity
		text string
	}{{Info, "info"}, {Should, "should"}, {Must, "must"}} {
		b, err := tt.s.MarshalText()
		if err != nil || string(b) != tt.text || tt.s.String() != tt.text {
			t.Errorf("%v: %q, %v", tt.s, b, err)
		}
		var s Severity
		if err := s.UnmarshalText([]byte(tt.text)); err != nil || s != tt.s {
			t.Errorf("UnmarshalText(%q) = %v, %v", tt.text, s, err)
		}
	}
	var s Severity
	if err := s.UnmarshalText([]byte("may")); err == nil {
		t.Error("UnmarshalText(may): no error")
	}
	if _, err := Severity(3).MarshalText(); err == nil {
		t.Error("MarshalText(3): no error")
	}
	if !(Must > Should && Should > Info) {
		t.Error("severity order")
	}
	// JSON of a finding.
	b, err := json.Marshal(Finding{Code: "dns.txt_missing", Severity: Should, Message: "m", Requirement: "R6", Withholds: true})
	if err != nil || string(b) != `{"code":"dns.txt_missing","severity":"should","message":"m","requirement":"R6","withholds":true}` {
		t.Errorf("json = %s, %v", b, err)
	}
	var f Finding
	if err := json.Unmarshal(b, &f); err != nil || f.Severity != Should {
		t.Errorf("unmarshal: %+v, %v", f, err)
	}
	b, _ = json.Marshal(DefaultPolicy().Decide(Evidence{}).Display)
	if !strings.Contains(string(b), `"labels":["Unknown App"]`) {
		t.Errorf("display json %s", b)
	}
}

// newRule is a Rule whose Check is check, NotMet when check returns a must
// or should finding and Met otherwise.
func newRule(m Meta, check func(Evidence) []Finding) Rule {
	return funcRule{m: m, check: check}
}

type funcRule struct {
	m     Meta
	check func(Evidence) []Finding
}

func (r funcRule) Meta() Meta { return r.m }
func (r funcRule) Check(ev Evidence) Result {
	fs := r.check(ev)
	res := Result{Status: Met, Findings: fs}
	for _, f := range fs {
		if f.Severity > Info {
			res.Status = NotMet
		}
	}
	return res
}
